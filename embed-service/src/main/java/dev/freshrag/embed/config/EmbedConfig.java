package dev.freshrag.embed.config;

import dev.freshrag.embedding.config.EmbeddingSettings;
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

    /** {@code freshrag.embedding.*}: the model settings declared once in {@link EmbeddingSettings}, and the cache. */
    interface Embedding extends EmbeddingSettings {
        /** Entries in the embedding cache keyed by model and content hash; 0 disables it. */
        @WithDefault("50000")
        int cacheEntries();
    }

    interface Retry {
        /**
         * First wait after a failed embedding (model fault) or index write; doubles up to {@link #maxBackoff()}.
         * Neither ever dead-letters: the partitions stay paused until the step succeeds.
         */
        @WithDefault("PT0.2S")
        Duration initialBackoff();

        @WithDefault("PT30S")
        Duration maxBackoff();

        /**
         * Failed attempts in a row, of the model or of the index, after which readiness reports DOWN (the service
         * keeps retrying).
         */
        @WithDefault("5")
        int unhealthyAfter();
    }
}
