package dev.freshrag.embedding.config;

import dev.freshrag.embedding.CudaOptions;
import dev.freshrag.embedding.EmbeddingBackend;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.tokenizer.EmbeddingModelConverter;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code freshrag.embedding.*}: which model build the embedder runs and where. A config group that the
 * embed-service and the query-service both nest under their own mapping, so the keys are declared once;
 * a service with another default sets it in its own {@code application.properties} (the query-service runs on
 * {@code cpu}). Values are read case-insensitively ({@code fp32}, {@code FP32}).
 */
public interface EmbeddingSettings {

    /**
     * {@code onnx} (the model in this JVM, configured by the keys below), {@code openai} (an OpenAI-compatible
     * {@code /v1/embeddings} server: vLLM, Ollama, TEI's OpenAI route) or {@code tei} (text-embeddings-inference's
     * {@code /embed}); the remote ones are configured under {@code freshrag.embedding.remote.*}. The embed- and the
     * query-service must use the same backend and model: the index records the model name and dimension and
     * refuses vectors of another.
     */
    @WithDefault("onnx")
    EmbeddingBackend backend();

    /** {@code freshrag.embedding.remote.*}: the embedding server of backends {@code openai} and {@code tei}. */
    Remote remote();

    /**
     * {@code all-minilm-l6-v2} (mean pooling, 256 tokens) or {@code bge-small-en-v1.5} (CLS pooling, 512 tokens, its
     * query instruction in front of search queries only), both 384 dimensions, in the build {@link #variant()} names.
     * Unset (the default): the model the index already holds (its active generation's, or an index from before
     * generations: the model its commit records; Qdrant: the collection the alias names), in the build it holds, and
     * {@link EmbeddingModel#FOR_NEW_INDEX} ({@code bge-small-en-v1.5}) for a new index; so an upgrade never turns an
     * index away because the default changed, and a model change is a reindex. Set, the index must hold this model:
     * it records the model and refuses vectors of another. Why the default: README, "Which model is the default".
     */
    @WithConverter(EmbeddingModelConverter.class)
    Optional<EmbeddingModel> model();

    /** The configured model, else the one a new index is built with ({@link EmbeddingModel#FOR_NEW_INDEX}). */
    default EmbeddingModel modelOrDefault() {
        return model().orElse(EmbeddingModel.FOR_NEW_INDEX);
    }

    /**
     * {@code fp32} (reference quality) or {@code int8} (about twice as fast on CPU, Spearman 0.819 vs 0.820).
     * The embed- and the query-service must agree: the index refuses vectors of the other model.
     */
    @WithDefault("fp32")
    ModelVariant variant();

    /**
     * {@code auto} (CUDA when present, else CPU), {@code cpu} or {@code cuda} (fail without a GPU). The
     * query-service's default is {@code cpu}: queries are single short texts.
     */
    @WithDefault("auto")
    ExecutionTarget target();

    /** Largest micro-batch handed to ONNX Runtime on CPU; inputs are sorted by length first. */
    @WithDefault("32")
    int maxBatchSize();

    /** ONNX Runtime intra-op threads per session. */
    @WithDefault("1")
    int intraOpThreads();

    /**
     * {@code freshrag.embedding.cuda.*}: the CUDA provider and GPU batching, used only when the model runs on CUDA
     * (target {@code cuda}, or {@code auto} on a machine with a GPU and the {@code -gpu} build). Why the defaults:
     * see {@link CudaOptions}.
     */
    Cuda cuda();

    /** CUDA provider options (ONNX Runtime's names in brackets) and the batching of a GPU. */
    interface Cuda {

        /** CUDA device ordinal to run on ({@code device_id}). */
        @WithDefault("0")
        int deviceId();

        /**
         * Most bytes ONNX Runtime's device memory arena may hold ({@code gpu_mem_limit}); unset = no limit. Set it
         * when the embedder shares its GPU; about 1 GiB holds the model and a full 16384-token run.
         */
        OptionalLong gpuMemLimit();

        /** cuDNN convolution algorithm search ({@code cudnn_conv_algo_search}): {@code exhaustive}, {@code heuristic} or {@code default}. */
        @WithDefault("exhaustive")
        CudaOptions.ConvAlgoSearch cudnnConvAlgoSearch();

        /** How the arena grows ({@code arena_extend_strategy}): {@code same-as-requested} or {@code next-power-of-two}. */
        @WithDefault("same-as-requested")
        CudaOptions.ArenaExtendStrategy arenaExtendStrategy();

        /** Most padded tokens (texts x bucketed width) in one run; TEI's {@code --max-batch-tokens} default. */
        @WithDefault("16384")
        int batchTokens();

        /** Most texts in one run. */
        @WithDefault("512")
        int maxBatchSize();

        /** Run widths are rounded up to a multiple of this many tokens, so that few shapes occur. */
        @WithDefault("32")
        int bucketWidth();

        /** Run every bucketed shape once at start (memory arena and kernel choices settled before real work). */
        @WithDefault("true")
        boolean warmUp();
    }

    /** The embedding server, used only when {@code backend} is {@code openai} or {@code tei}. */
    interface Remote {

        /** Base URL of the server, e.g. {@code http://tei:8080}; required by the remote backends. */
        Optional<URI> url();

        /**
         * The model the server must serve. Required for {@code openai} (sent in every request, and checked against
         * the answer's {@code model}); for {@code tei} optional, checked against {@code GET /info}'s
         * {@code model_id} when set. The served name becomes the index fingerprint's model id.
         */
        Optional<String> model();

        /** Sent as {@code Authorization: Bearer <key>} when set (TEI's {@code --api-key}, vLLM's, OpenAI's). */
        Optional<String> apiKey();

        /**
         * Put in front of search queries only, never of the passages being indexed, for a served model trained with a
         * query instruction: {@code "Represent this sentence for searching relevant passages: "} for BAAI's
         * bge-*-en-v1.5 (the ONNX backend knows it for the models it ships; a server does not tell). Unset: queries
         * are embedded as they are.
         */
        Optional<String> queryInstruction();

        /**
         * The vector size the server must return; checked at start against a probe when set (without it, the
         * probe's size is used, and the index fingerprint still refuses a size it was not built with).
         */
        OptionalInt dimension();

        /** Connect and per-request timeout; a request that takes longer is a server fault and is retried. */
        @WithDefault("PT30S")
        Duration timeout();

        /** Requests in flight to the server at once from this service (all callers together). */
        @WithDefault("4")
        int maxConcurrency();

        /**
         * Estimated tokens per request (characters / 3, plus 2 per text). Half of TEI's default
         * {@code --max-batch-tokens} (16384), so that two requests fill one server batch.
         */
        @WithDefault("8192")
        int batchTokens();

        /** Texts per request; TEI's {@code max_client_batch_size} (32 by default) caps it further. */
        @WithDefault("32")
        int maxBatchSize();

        /**
         * Tries of one request before the fault is handed to the caller (the embed-service then keeps retrying
         * with its own backoff, partitions paused); waits start at 200 ms and double, or follow {@code Retry-After}.
         */
        @WithDefault("3")
        int attempts();
    }
}
