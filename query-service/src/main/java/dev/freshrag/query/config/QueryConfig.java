package dev.freshrag.query.config;

import dev.freshrag.embedding.config.EmbeddingSettings;
import dev.freshrag.index.select.IndexSettings;
import dev.freshrag.query.answer.LlmFailurePolicy;
import dev.freshrag.query.answer.PromptTokenCounter;
import dev.freshrag.query.llm.LoraMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything the query-service can be told, under {@code freshrag.*}. */
@ConfigMapping(prefix = "freshrag")
public interface QueryConfig {

    /** {@code freshrag.index.*}: the vector store, declared once in {@link IndexSettings}. */
    IndexSettings index();

    Search search();

    Consistency consistency();

    /**
     * {@code freshrag.embedding.*}: the query embedder, declared once in {@link EmbeddingSettings}. The variant must
     * match the embed-service's; the target defaults to {@code cpu} here (application.properties).
     */
    EmbeddingSettings embedding();

    /** Topic names ({@code freshrag.topics.*}). */
    TopicNames topics();

    /** The OpenAI-compatible LLM server ({@code freshrag.llm.*}); without a base URL answers are extractive. */
    Llm llm();

    /** Per-tenant LoRA adapters on the LLM server ({@code freshrag.lora.*}). */
    Lora lora();

    /** RAG answers ({@code freshrag.answer.*}). */
    Answer answer();

    /** The tenant configuration view and its admin API ({@code freshrag.tenant-config.*}). */
    TenantConfig tenantConfig();

    interface Search {
        /** topK when a request gives none. */
        @WithDefault("5")
        int defaultTopK();

        /** Largest accepted topK. */
        @WithDefault("100")
        int maxTopK();

        /** Longest accepted query, in characters. */
        @WithDefault("4096")
        int maxQueryChars();

        /** Most entries in a metadata filter. */
        @WithDefault("16")
        int maxFilterEntries();

        /** The mode of a request without {@code mode}: hybrid (best measured, BENCHMARKS.md), dense or lexical. */
        @WithDefault("hybrid")
        dev.freshrag.query.search.SearchMode defaultMode();

        /**
         * Reciprocal rank fusion's k: a hit's fused score is the sum over branches of 1 / (k + rank). 5, not the
         * paper's 60: with two branches a small k lets one branch's confident first hit beat a chunk both branches
         * rank moderately, which was better with both models and on both question sets (BENCHMARKS.md, retrieval,
         * run 6: hybrid MRR@10 0.812 against 0.783 with all-MiniLM-L6-v2, 0.847 against 0.834 with bge-small).
         */
        @WithDefault("5")
        int rrfK();

        /**
         * Hits each branch retrieves before fusion or a per-document limit (at least topK): a chunk ranked low by one
         * branch and high by the other needs to be in both lists to be fused.
         */
        @WithDefault("50")
        int branchCandidates();
    }

    interface Consistency {
        /** How long a request with consistentWith waits for the index to reflect those writes. */
        @WithDefault("PT5S")
        Duration defaultWait();

        /** Most tokens in one consistentWith. */
        @WithDefault("64")
        int maxTokens();
    }

    interface TopicNames {
        /** The compacted per-tenant configuration topic. */
        @WithDefault(dev.freshrag.events.Topics.TENANT_CONFIG)
        String tenantConfig();

        /** The rebuild log of accepted changes, read by the periodic drift check ({@code freshrag.drift.*}). */
        @WithDefault(dev.freshrag.events.Topics.DOC_LOG)
        String docLog();
    }

    interface Llm {
        /**
         * Base URL of an OpenAI-compatible server, e.g. {@code http://vllm:8000} (a trailing {@code /v1} is
         * accepted). Unset: no LLM, answers are extractive.
         */
        Optional<String> baseUrl();

        /** The base model's name as the server knows it ({@code "model"} of chat requests); required with a base URL. */
        Optional<String> model();

        /** Sent as {@code Authorization: Bearer <key>} when set. */
        Optional<String> apiKey();

        @WithDefault("PT5S")
        Duration connectTimeout();

        /**
         * Without streaming: longest wait for the whole completion. With streaming: longest wait for the
         * response headers and then for each further piece of the stream.
         */
        @WithDefault("PT60S")
        Duration readTimeout();

        /** {@code max_tokens} of every chat request. */
        @WithDefault("512")
        int maxTokens();

        /** {@code temperature}; the server's default when unset. */
        Optional<Double> temperature();

        /** Ask for token usage on streamed answers ({@code stream_options.include_usage}). */
        @WithDefault("true")
        boolean streamUsage();
    }

    interface Lora {
        /**
         * {@code runtime}: FreshRAG loads and unloads adapters through the server's load/unload endpoints
         * (one vLLM replica). {@code resolver}: the server resolves adapters by name itself (vLLM LoRA resolver
         * on shared storage, several replicas); FreshRAG only routes by name.
         */
        @WithDefault("runtime")
        LoraMode mode();

        /** Most adapters FreshRAG keeps loaded (runtime mode); the least recently used idle one is unloaded. */
        @WithDefault("8")
        int maxLoaded();

        /** Longest wait for an adapter load; a request that waits longer uses the base model. */
        @WithDefault("PT60S")
        Duration loadTimeout();

        /** After a failed load, requests use the base model for this long before a load is tried again. */
        @WithDefault("PT30S")
        Duration retryAfterFailure();
    }

    interface Answer {
        /** Most tokens of the whole prompt (instructions, question and passages). */
        @WithDefault("3000")
        int promptTokenBudget();

        /**
         * How prompt tokens are counted: {@code embedder} (the embedding model's WordPiece tokenizer) or
         * {@code chars} (characters / {@code chars-per-token}).
         */
        @WithDefault("embedder")
        PromptTokenCounter.Kind tokenCounter();

        /** Divisor of the {@code chars} estimate. */
        @WithDefault("4.0")
        double charsPerToken();

        /** Default prompt template; placeholders {question} and {passages}. Unset: the built-in template. */
        Optional<String> promptTemplate();

        /** When the LLM times out, is unreachable or fails: {@code extractive} (fall back) or {@code error} (502/503). */
        @WithDefault("extractive")
        LlmFailurePolicy onLlmFailure();

        /** Most sentences in an extractive answer. */
        @WithDefault("3")
        int extractiveMaxSentences();
    }

    interface TenantConfig {
        /** How long a PUT/DELETE waits, after the broker acknowledged it, until this replica's view reflects it. */
        @WithDefault("PT5S")
        Duration writeWait();

        /** How long a PUT/DELETE waits for the broker's acknowledgement. */
        @WithDefault("PT10S")
        Duration sendTimeout();

        /** Longest accepted prompt template, in characters. */
        @WithDefault("8000")
        int maxPromptTemplateChars();
    }
}
