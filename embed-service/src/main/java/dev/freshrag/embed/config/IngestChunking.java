package dev.freshrag.embed.config;

import dev.freshrag.index.generation.Generation;

/**
 * The chunking the ingest-service runs with, as the embed-service knows it: {@code freshrag.reindex.chunk-max-tokens}
 * (default 256, the ingest's own default for both models). A generation with another
 * chunking is chunked apart: the ingest sends it its own, tagged, chunk operations (re-chunking reindex).
 */
public final class IngestChunking {

    private IngestChunking() {
    }

    public static int of(EmbedConfig config) {
        return config.reindex().chunkMaxTokens();
    }

    /** Whether {@code generation} has a chunking other than the ingest's. */
    public static boolean apart(EmbedConfig config, Generation generation) {
        return generation.chunkMaxTokens() != of(config);
    }
}
