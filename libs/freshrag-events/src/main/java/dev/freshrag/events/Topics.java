package dev.freshrag.events;

import java.util.List;
import java.util.Map;

/**
 * Every topic FreshRAG uses, declared once. Services read the actual names from configuration
 * ({@code freshrag.topics.*}) whose defaults are these constants; tests, the local launcher and the
 * Kubernetes manifests are checked against this list.
 */
public final class Topics {

    /** Input: document-change events from content systems and the HTTP gateway. */
    public static final String DOC_CHANGES = "kb.doc-changes";
    /**
     * The ingest-service's deferred lane, written and read only by the ingest-service: kb.doc-changes records it puts
     * off (marked bulk, or of a document that has deferred records still waiting) are copied here, raw, to the same
     * partition number, and processed only when no live record waits. As many partitions as {@link #DOC_CHANGES}.
     */
    public static final String DOC_CHANGES_BULK = "kb.doc-changes.bulk";
    /** ingest-service to embed-service: per-document chunk operations. */
    public static final String CHUNK_OPS = "kb.chunk-ops";
    /**
     * ingest-service to embed-service: the chunk operations of events marked bulk ({@link Priority}), partitioned
     * like {@link #CHUNK_OPS}. A lane of its own so that live work never queues behind a corpus load.
     */
    public static final String CHUNK_OPS_BULK = "kb.chunk-ops.bulk";
    /**
     * The rebuild log: every change the ingest-service accepted (after the version guard), keyed by document and
     * compacted, so compaction keeps the newest <em>accepted</em> version of each document. kb.doc-changes is compacted
     * by arrival instead: a late older UPSERT after a DELETE would be what it keeps.
     */
    public static final String DOC_LOG = "kb.doc-log";
    /** Rejected events and operations, with the reason in headers. */
    public static final String DLQ = "kb.dlq";
    /** Per-tenant configuration (LoRA adapter, prompt template, topK), compacted. */
    public static final String TENANT_CONFIG = "kb.tenant-config";
    /**
     * Index generations (issue 16): one {@link GenerationControl} per generation, keyed by its id ({@code g2}), written
     * by the embed-service's reindex endpoints and followed by every embed-service replica; compacted.
     */
    public static final String GENERATIONS = "kb.generations";

    /**
     * Largest record on any FreshRAG topic: a 5 MiB document plus JSON escaping and envelope. Producers
     * set {@code max.request.size} and topics {@code max.message.bytes} to this.
     */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** Default partitions; kb.chunk-ops and kb.chunk-ops.bulk must have at least as many partitions as kb.doc-changes. */
    public static final int DEFAULT_PARTITIONS = 6;

    /** How a topic is created when FreshRAG creates it (local mode, tests, Strimzi KafkaTopics). */
    public record Spec(String name, int partitions, Map<String, String> config) {
    }

    public static List<Spec> specs(int partitions) {
        String max = Integer.toString(MAX_MESSAGE_BYTES);
        return List.of(
                // compacted by key, by arrival: not the rebuild log (a late older version can be what compaction keeps)
                new Spec(DOC_CHANGES, partitions, Map.of("cleanup.policy", "compact", "max.message.bytes", max)),
                // the rebuild log: compacted by key, holding only accepted changes, so the newest accepted one remains
                new Spec(DOC_LOG, partitions, Map.of("cleanup.policy", "compact", "max.message.bytes", max)),
                // a work queue of the ingest's own: kept as long as kb.chunk-ops, so a stopped ingest loses nothing
                new Spec(DOC_CHANGES_BULK, partitions, Map.of("cleanup.policy", "delete", "retention.ms", "604800000", "max.message.bytes", max)),
                new Spec(CHUNK_OPS, partitions, Map.of("cleanup.policy", "delete", "retention.ms", "604800000", "max.message.bytes", max)),
                new Spec(CHUNK_OPS_BULK, partitions, Map.of("cleanup.policy", "delete", "retention.ms", "604800000", "max.message.bytes", max)),
                new Spec(DLQ, 1, Map.of("cleanup.policy", "delete", "retention.ms", "2592000000", "max.message.bytes", max)),
                new Spec(TENANT_CONFIG, 1, Map.of("cleanup.policy", "compact", "max.message.bytes", "1048576")),
                new Spec(GENERATIONS, 1, Map.of("cleanup.policy", "compact", "max.message.bytes", "1048576")));
    }

    private Topics() {
    }
}
