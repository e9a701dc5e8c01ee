package dev.freshrag.index.select;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code freshrag.index.*}: which vector store the services use and how to reach it. A config group
 * that the embed-service and the query-service both nest under their own mapping, so the keys and their
 * defaults are declared once.
 */
public interface IndexSettings {

    /** {@code lucene}: the embedded index (local mode, tests); {@code qdrant}: a Qdrant server (production). */
    @WithDefault("lucene")
    IndexKind kind();

    Lucene lucene();

    Qdrant qdrant();

    interface Lucene {
        /** Directory of the embedded index; the embed-service writes it, the query-service reads it. */
        @WithDefault("data/index")
        String path();

        /** HNSW graph degree (M). Only used when segments are written. */
        @WithDefault("16")
        int hnswMaxConn();

        /** HNSW construction beam width. */
        @WithDefault("100")
        int hnswBeamWidth();

        /**
         * How often an idle reader (query-service) looks for a new commit. Every query looks first anyway, so this
         * does not bound freshness; it keeps an idle reader near the writer at ten wake-ups a second.
         */
        @WithDefault("PT0.1S")
        Duration refreshInterval();
    }

    interface Qdrant {
        /** Qdrant host. */
        @WithDefault("localhost")
        String host();

        /** Qdrant gRPC port (not the 6333 REST port). */
        @WithDefault("6334")
        int port();

        /** API key; set it from a secret (FRESHRAG_INDEX_QDRANT_API_KEY). */
        Optional<String> apiKey();

        /** TLS to Qdrant. */
        @WithDefault("false")
        boolean tls();

        /** Deadline of one gRPC call. */
        @WithDefault("PT10S")
        Duration timeout();

        /** Physical collections are named {@code <prefix>-<model>-g<generation>}. */
        @WithDefault("freshrag")
        String collectionPrefix();

        /** The alias every read and write goes through, so a re-index can switch atomically. */
        @WithDefault("freshrag-chunks")
        String alias();

        /** Shards, only used when the collection is created. */
        OptionalInt shardNumber();

        /** Replicas, only used when the collection is created. */
        OptionalInt replicationFactor();
    }
}
