package dev.freshrag.ingest.config;

import dev.freshrag.events.Limits;
import dev.freshrag.events.Topics;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.tokenizer.EmbeddingModelConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** Everything the ingest-service can be told, under {@code freshrag.*}. */
@ConfigMapping(prefix = "freshrag")
public interface IngestConfig {

    TopicNames topics();

    DocumentLimits limits();

    Chunking chunking();

    /** {@code freshrag.embedding.*}: of the embedding settings, the ingest reads only the model its chunks must fit. */
    Embedding embedding();

    interface Embedding {
        /**
         * {@code all-minilm-l6-v2} or {@code bge-small-en-v1.5}: the model the embed-service runs, if it is configured
         * there (set the same value in all three services). Both count tokens alike (one uncased BERT vocabulary);
         * the model only bounds {@code freshrag.chunking.max-tokens} by its max length (256 or 512 tokens). Unset (the
         * default, where the embed-service keeps the model its index holds), the bound is 256: the index may hold
         * either model.
         */
        @WithConverter(EmbeddingModelConverter.class)
        Optional<EmbeddingModel> model();
    }

    /** Chunks of at most this many tokens unless {@code freshrag.chunking.max-tokens} says otherwise: see there. */
    int DEFAULT_CHUNK_MAX_TOKENS = 256;

    /**
     * The most tokens of one chunk: {@code freshrag.chunking.max-tokens}, 256 when unset, for either model. A value
     * above the model's max length is refused (the embedder would silently cut the end of every long chunk off its
     * vector); with the model unset, above 256 (the shorter of the two).
     */
    default int chunkMaxTokens() {
        int ceiling = embedding().model().map(EmbeddingModel::maxLength).orElse(java.util.Arrays.stream(
                EmbeddingModel.values()).mapToInt(EmbeddingModel::maxLength).min().orElseThrow());
        int max = chunking().maxTokens().orElse(DEFAULT_CHUNK_MAX_TOKENS);
        if (max > ceiling) {
            throw new IllegalArgumentException("freshrag.chunking.max-tokens=" + max + " is above the max length of "
                    + embedding().model().map(m -> "freshrag.embedding.model=" + m.configName() + " (" + ceiling + " tokens)")
                    .orElse(ceiling + " tokens, the shorter model's (freshrag.embedding.model is unset, and the index may"
                            + " hold either model; set it to allow more)"));
        }
        return max;
    }

    /**
     * Opt-in: forget a deleted document's tombstone this long after its delete. Unset (the default), tombstones
     * are kept forever: each holds only a version, and it is what stops a late or replayed older UPSERT from
     * bringing the document back. Once a tombstone is forgotten, any version of the document is accepted again.
     */
    Optional<Duration> tombstoneRetention();

    /** {@code freshrag.ingest.*}: which unmarked events the ingest puts behind live work. */
    Lanes ingest();

    /**
     * Besides events marked bulk (always deferred), the ingest defers to kb.doc-changes.bulk unmarked events that
     * would hold up other tenants' live edits on their partition: a tenant's flood and very large documents. A
     * deferred unmarked event keeps its live token honest (read-your-writes waits for the bulk lane then).
     */
    interface Lanes {
        /**
         * How many unmarked events of one tenant a partition takes live within {@link #liveBurstWindow()}; the rest of
         * that window is deferred. 32 a second (per partition; 192 with the default 6) is far above what people editing
         * produce and below a script's flood (the benchmark's 600 events in 2 s make 50 a second per partition), so a
         * flood delays another tenant's edit by at most 32 small events' work. 0 defers every unmarked event after none.
         */
        @WithDefault("32")
        int liveBurst();

        /** The window {@link #liveBurst()} counts in (a fixed window per tenant and task, on the wall clock). */
        @WithDefault("PT1S")
        Duration liveBurstWindow();

        /**
         * Unmarked events whose record value is larger are deferred: parsing and chunking a multi-MiB document holds
         * its partition for seconds (the 5 MiB limit document about 4 s here). 512 KiB is some 100 pages of text,
         * processed in well under the 2 s live target.
         */
        @WithDefault("524288")
        int liveMaxBytes();
    }

    /** How this process takes part in the Kafka Streams consumer group (the group is the application id). */
    StreamsGroup streams();

    interface StreamsGroup {
        /**
         * {@code static} (default): the process joins with a stable {@code group.instance.id}, so a restarted
         * process takes its partitions back at once, with no rebalance, instead of waiting for the old member's
         * session (45 s) to expire; a member that never comes back holds its partitions until then.
         * {@code dynamic}: no instance id; the process leaves the group when it stops (one rebalance then,
         * another when it comes back). Use it where a process has no stable identity (a Deployment's pods).
         */
        @WithDefault("static")
        GroupMembership membership();

        /**
         * The static member id of this process ({@code FRESHRAG_STREAMS_INSTANCE_ID}; Streams appends
         * {@code -<thread>}): unique in the group and the same across restarts. In Kubernetes the StatefulSet
         * pod name. Unset: {@code <host name>-<8 hex of the state directory's path>}, stable for one machine
         * and state directory. Letters, digits, '.', '_' and '-' only. Ignored with {@code dynamic}.
         */
        Optional<String> instanceId();

        /**
         * The host (name or IP) at which the other ingest-service instances reach this one's API port
         * ({@code FRESHRAG_STREAMS_ADVERTISED_HOST}): announced to the group as Kafka Streams'
         * {@code application.server} together with {@code quarkus.http.port}, so that the operator endpoints of
         * {@code ./freshrag verify} answer from every instance's partitions. In Kubernetes the pod IP (deploy/k8s);
         * the default suits one instance per machine.
         */
        @WithDefault("127.0.0.1")
        String advertisedHost();
    }

    interface TopicNames {
        /** Input topic of document-change events. */
        @WithDefault(Topics.DOC_CHANGES)
        String docChanges();

        /**
         * The ingest's deferred lane: kb.doc-changes records put off behind live work (marked bulk, or of a document
         * with deferred records still waiting) are copied here raw and processed when no live record waits. Written
         * and read only by the ingest-service; as many partitions as {@code kb.doc-changes} (checked at start).
         */
        @WithDefault(Topics.DOC_CHANGES_BULK)
        String docChangesBulk();

        /** Output topic of per-document chunk operations, read by the embed-service. */
        @WithDefault(Topics.CHUNK_OPS)
        String chunkOps();

        /**
         * Chunk operations of events marked bulk (Kafka header {@code freshrag-priority: bulk}): the embed-service's
         * second lane, served only when no live work waits. Needs as many partitions as {@code kb.chunk-ops}.
         */
        @WithDefault(Topics.CHUNK_OPS_BULK)
        String chunkOpsBulk();

        /** Dead-letter topic for events that break the contract. */
        @WithDefault(Topics.DLQ)
        String dlq();

        /**
         * The rebuild log: every accepted change (after the version guard), keyed by document, compacted. What
         * {@code ./freshrag verify --repair} re-drives documents from. As many partitions as {@code kb.doc-changes}.
         */
        @WithDefault(Topics.DOC_LOG)
        String docLog();

        /**
         * The plan of index generations (compacted, written by the embed-service's reindex endpoints): the ingest
         * follows it to chunk changes a second time for a generation with its own chunking, and says there that it does.
         */
        @WithDefault(Topics.GENERATIONS)
        String generations();
    }

    interface DocumentLimits {
        /** Largest accepted {@code content}, in UTF-8 bytes. */
        @WithDefault("5242880")
        int maxContentBytes();

        /** Longest accepted {@code title}, in characters. */
        @WithDefault("1024")
        int maxTitleChars();

        /** Most entries in {@code metadata}. */
        @WithDefault("64")
        int maxMetadataEntries();

        /** Longest metadata key, in characters. */
        @WithDefault("128")
        int maxMetadataKeyChars();

        /** Longest metadata value, in characters. */
        @WithDefault("2048")
        int maxMetadataValueChars();

        default Limits toLimits() {
            return new Limits(maxContentBytes(), maxTitleChars(), maxMetadataEntries(), maxMetadataKeyChars(), maxMetadataValueChars());
        }
    }

    interface Chunking {
        /**
         * Most model tokens in a chunk, special tokens included. Unset: 256 for both models (what the retrieval
         * benchmark measured both with; bge-small-en-v1.5 could take 512, but then a model change would be a
         * re-chunking as well); at most the model's max length (see {@link IngestConfig#chunkMaxTokens()}).
         */
        OptionalInt maxTokens();

        /** A chunk closes at an anchor paragraph only once it holds this many tokens. */
        @WithDefault("64")
        int minTokens();

        /**
         * How many token counts (of paragraphs and chunk texts, keyed by a 16-byte hash) the ingest remembers, so the
         * unchanged paragraphs of a new version are not tokenized again. About 100 bytes each: the default takes
         * some 20 MB. 0 turns the cache off.
         */
        @WithDefault("200000")
        long tokenCacheEntries();
    }
}
