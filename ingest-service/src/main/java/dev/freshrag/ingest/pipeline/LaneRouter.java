package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.Priority;
import dev.freshrag.ingest.metrics.IngestMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first node after the kb.doc-changes source, and a cheap one (no parsing): sends a record straight on to the
 * {@link DocumentChangeProcessor}, or defers it by copying it raw (value and headers, plus its {@link DeferredOrigin})
 * to kb.doc-changes.bulk, whose records the same task processes only when no live record waits
 * ({@link DeferredTimestamps}). Deferred are: records marked bulk ({@code freshrag-priority: bulk}); unmarked records of
 * a tenant past its live burst on this task (a flood) or larger than the live size limit ({@code freshrag.ingest.*});
 * and every record of a document that still has deferred records waiting, so one document's events are always
 * processed in their kb.doc-changes order, versionless ones included. The {@link #PENDING_STORE} counts, per record key, the deferred
 * records not yet processed (the processor counts them down); it commits with the task, exactly once. A deferred record
 * that is not marked bulk also leaves a {@link DocumentOps.Kind#DEFERRED} marker in the live lane (read-your-writes).
 */
final class LaneRouter implements Processor<byte[], byte[], byte[], Object> {

    /** Record key (tenant/docId) to how many of its deferred records wait on kb.doc-changes.bulk. */
    static final String PENDING_STORE = "deferred-documents";

    private final IngestMetrics metrics;
    private final TopologySettings.LiveLimits limits;
    private final Clock clock;
    /** Per tenant: the start of its current burst window on this task and how many unmarked events it counted. */
    private final Map<String, long[]> bursts = new HashMap<>();
    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<String, Long> pending;

    LaneRouter(IngestMetrics metrics, TopologySettings.LiveLimits limits, Clock clock) {
        this.metrics = metrics;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.pending = context.getStateStore(PENDING_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> shifted) {
        // its own time again (it was read earlier than it is, to go before deferred work)
        Record<byte[], byte[]> record = shifted.withTimestamp(DeferredTimestamps.original(shifted.timestamp()));
        // a producer's own copy of our header must not make the processor misplace the record
        record.headers().remove(DeferredOrigin.HEADER);
        String key = pendingKey(record.key());
        boolean waiting = key != null && pending.get(key) != null;
        // counted whether or not it is deferred for another reason: a flood is a flood
        boolean flooding = !markedBulk(record) && overBurst(record.key());
        boolean large = record.value() != null && record.value().length > limits.maxBytes();
        if (!waiting && !markedBulk(record) && !flooding && !large) {
            context.forward(record, TopologyProducer.PROCESSOR);
            return;
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        if (key != null) {
            Long n = pending.get(key);
            pending.put(key, n == null ? 1 : n + 1);
        }
        metrics.deferred();
        if (!markedBulk(record)) {
            marker(record, source);
        }
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeferredOrigin.HEADER, new DeferredOrigin(source.partition(), source.offset(), record.timestamp()).headerValue());
        context.forward(new Record<byte[], Object>(record.key(), new DeferredCopy(source.partition(), record.value()),
                record.timestamp(), headers), TopologyProducer.DEFERRED_SINK);
    }

    /**
     * An unmarked record had (or will have) a live token: the live lane gets a position-only marker at its offset, so
     * the embed-service knows that the live position passing it does not mean it is applied (the bulk lane applies
     * it). A record whose key names no document gets none: it is dead-lettered anyway and no token names it.
     */
    private void marker(Record<byte[], byte[]> record, RecordMetadata source) {
        Optional<DocumentKey> key = DocumentKey.parse(record.key());
        if (key.isEmpty()) {
            return;
        }
        DocumentOps marker = new DocumentOps(key.get().tenant(), key.get().docId(), 0, DocumentOps.Kind.DEFERRED,
                null, null, null, 0, source.partition(), source.offset());
        context.forward(new Record<byte[], Object>(record.key(), marker, record.timestamp(), new RecordHeaders()),
                TopologyProducer.CHUNK_OPS_SINK);
    }

    /**
     * Counts an unmarked event of the key's tenant; true once the tenant has more than the burst in its current window.
     * In memory and per task: after a restart or rebalance a tenant starts a fresh window, which at worst lets one more
     * burst go live. Tenants idle for a window are dropped, so the map holds only the tenants of the last window.
     */
    private boolean overBurst(byte[] recordKey) {
        Optional<DocumentKey> key = DocumentKey.parse(recordKey);
        if (key.isEmpty()) {
            return false;
        }
        long now = clock.millis();
        long window = limits.window().toMillis();
        if (bursts.size() > 10_000) {
            bursts.values().removeIf(b -> now - b[0] >= window);
        }
        long[] burst = bursts.computeIfAbsent(key.get().tenant(), t -> new long[] {now, 0});
        if (now - burst[0] >= window) {
            burst[0] = now;
            burst[1] = 0;
        }
        burst[1]++;
        return burst[1] > limits.burst();
    }

    /** The processor took a deferred record of this key: one fewer waits. */
    static void taken(KeyValueStore<String, Long> pending, byte[] recordKey) {
        String key = pendingKey(recordKey);
        if (key == null) {
            return;
        }
        Long n = pending.get(key);
        if (n == null || n <= 1) {
            pending.delete(key);
        } else {
            pending.put(key, n - 1);
        }
    }

    static String pendingKey(byte[] recordKey) {
        return recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
    }

    private static boolean markedBulk(Record<byte[], byte[]> record) {
        Header priority = record.headers().lastHeader(Priority.HEADER);
        return Priority.ofHeader(priority == null ? null : priority.value()) == Priority.BULK;
    }

    /** A deferred record's raw value, with the kb.doc-changes partition it must keep on kb.doc-changes.bulk. */
    record DeferredCopy(int partition, byte[] value) {
    }

    /** Writes the raw value, as it came. */
    static final class DeferredCopySerializer implements Serializer<DeferredCopy> {
        @Override
        public byte[] serialize(String topic, DeferredCopy copy) {
            return copy == null ? null : copy.value();
        }
    }

    /**
     * To the partition number the record had on kb.doc-changes, whatever partitioner its producer used: the copy must
     * reach the same task (and so the same document state). PartitionAgreement checks both topics have as many.
     */
    static final class SamePartition implements StreamPartitioner<byte[], DeferredCopy> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, DeferredCopy value, int numPartitions) {
            return Optional.of(Set.of(value.partition() % numPartitions));
        }
    }
}
