package dev.freshrag.embed.config;

import dev.freshrag.events.Topics;
import dev.freshrag.index.select.IndexSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Everything the embed-service can be told, under {@code freshrag.*}. */
@ConfigMapping(prefix = "freshrag")
public interface EmbedConfig {

    TopicNames topics();

    Embedding embedding();

    /** {@code freshrag.index.*}: the vector store, declared once in {@link IndexSettings}. */
    IndexSettings index();

    Retry retry();

    interface TopicNames {
        /** Chunk operations from the ingest-service. */
        @WithDefault(Topics.CHUNK_OPS)
        String chunkOps();

        /** Dead-letter topic for operations that cannot be applied. */
        @WithDefault(Topics.DLQ)
        String dlq();
    }

    interface Embedding {
        /** {@code fp32} (reference quality) or {@code int8} (about twice as fast on CPU, Spearman 0.819 vs 0.820). */
        @WithDefault("fp32")
        String variant();

        /** Largest micro-batch handed to ONNX Runtime; inputs are sorted by length first. */
        @WithDefault("32")
        int maxBatchSize();

        /** ONNX Runtime intra-op threads per session. */
        @WithDefault("1")
        int intraOpThreads();

        /** {@code auto} (CUDA when present, else CPU), {@code cpu} or {@code cuda} (fail without a GPU). */
        @WithDefault("auto")
        String target();

        /** Entries in the embedding cache keyed by model and content hash; 0 disables it. */
        @WithDefault("50000")
        int cacheEntries();
    }

    interface Retry {
        /** First wait after a failed index write; doubles up to {@link #maxBackoff()}. Never dead-letters. */
        @WithDefault("PT0.2S")
        Duration initialBackoff();

        @WithDefault("PT30S")
        Duration maxBackoff();

        /** Failed attempts in a row after which readiness reports DOWN (the service keeps retrying). */
        @WithDefault("5")
        int unhealthyAfter();
    }
}
