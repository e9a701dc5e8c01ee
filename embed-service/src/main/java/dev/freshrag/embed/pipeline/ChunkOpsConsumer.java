package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbeddingRejectedException;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.ChunkOp;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes kb.chunk-ops in batches: folds, embeds, writes, commits the index, and only then
 * acknowledges, so offsets are committed after the index write is durable. While the model or the index
 * fails, the batch is retried with backoff on this (blocking, ordered) worker; the connector stops polling
 * and pauses the partitions until it succeeds. Only records that fail to parse or validate, and a record whose text
 * a remote embedding server rejects (HTTP 400/413/422: deterministic input errors) go to kb.dlq, and the batch goes on.
 */
@ApplicationScoped
public class ChunkOpsConsumer {

    private static final Logger LOG = Logger.getLogger(ChunkOpsConsumer.class);
    public static final String CHANNEL = "chunk-ops";
    public static final String DLQ_CHANNEL = "dlq-out";

    private final BatchApplier applier;
    private final EmbedMetrics metrics;
    private final EmbedConfig config;
    private final MutinyEmitter<byte[]> dlq;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final TransientFaultRetry retry;

    public ChunkOpsConsumer(BatchApplier applier, EmbedMetrics metrics, EmbedConfig config,
                            @Channel(DLQ_CHANNEL) MutinyEmitter<byte[]> dlq) {
        this.applier = applier;
        this.metrics = metrics;
        this.config = config;
        this.dlq = dlq;
        this.retry = new TransientFaultRetry(config.retry().initialBackoff(), config.retry().maxBackoff(), metrics, stopping::get);
    }

    /** Consecutive failed index attempts of the current batch; health turns DOWN past a threshold. */
    public int consecutiveFailures() {
        return retry.consecutiveFailures(TransientFaultRetry.Stage.INDEX);
    }

    /** The retry state of the model and index steps, for health checks. */
    public TransientFaultRetry retry() {
        return retry;
    }

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent e) {
        stopping.set(true);
    }

    @Incoming(CHANNEL)
    @Blocking(ordered = true)
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<Parsed> good = new ArrayList<>();
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            try {
                good.add(new Parsed(r, parse(r)));
            } catch (InvalidEventException e) {
                deadLetter(r, e.getMessage(), e.violations().isEmpty() ? "$" : e.violations().get(0).field());
            }
        }
        process(good);
        return batch.ack();
    }

    private void process(List<Parsed> records) {
        if (records.isEmpty()) {
            return;
        }
        BatchPlan plan = BatchPlan.of(records.stream().map(Parsed::ops).toList());
        // Every record here parsed and validated: a failure of the model or the index is no fault of the records,
        // so it is retried (this worker blocks, the partitions stay paused), never dead-lettered.
        Map<String, float[]> vectors;
        try {
            vectors = retry.call(() -> applier.vectors(plan));
        } catch (EmbeddingRejectedException e) {
            // An embedding server refused texts of this batch (too long for it, unreadable): deterministic, but
            // the answer does not say whose. Record by record, in order, until the one it refuses is alone.
            if (records.size() == 1) {
                deadLetter(records.get(0).record(), "the embedding server rejected a text: " + e.getMessage(), "ops");
                return;
            }
            LOG.warnf("the embedding server rejected a batch of %d records, retrying them one by one: %s",
                    records.size(), e.getMessage());
            records.forEach(r -> process(List.of(r)));
            return;
        }
        retry.run(() -> applier.write(plan, vectors));
        long durableAt = System.currentTimeMillis();
        for (Parsed p : records) {
            if (p.ops().kind() != DocumentOps.Kind.SKIP) {
                metrics.fresh(p.record().getTimestamp().toEpochMilli(), durableAt);
            }
        }
    }

    static DocumentOps parse(KafkaRecord<String, byte[]> r) {
        DocumentOps ops = EventJson.readDocumentOps(r.getPayload());
        if (ops.tenant() == null || ops.docId() == null || ops.kind() == null) {
            throw new InvalidEventException("$", "tenant, docId and kind are required");
        }
        Optional<DocumentKey> key = DocumentKey.parse(r.getKey());
        if (key.isEmpty() || !key.get().equals(ops.key())) {
            throw new InvalidEventException("$key", "the record key must be tenant/docId of the operations");
        }
        for (ChunkOp op : ops.ops()) {
            if (op.type() == null || op.chunkId() == null) {
                throw new InvalidEventException("ops", "every operation needs a type and a chunkId");
            }
            if (op.type() == ChunkOp.Type.EMBED && (op.text() == null || op.hash() == null || op.seq() == null)) {
                throw new InvalidEventException("ops", "EMBED needs text, hash and seq (chunk " + op.chunkId() + ")");
            }
            if (op.type() == ChunkOp.Type.PAYLOAD && op.seq() == null) {
                throw new InvalidEventException("ops", "PAYLOAD needs seq (chunk " + op.chunkId() + ")");
            }
        }
        return ops;
    }

    private void deadLetter(KafkaRecord<String, byte[]> r, String reason, String field) {
        metrics.deadLettered();
        LOG.warnf("dead-lettering %s-%d@%d: %s", r.getTopic(), r.getPartition(), offset(r), reason);
        RecordHeaders headers = new RecordHeaders(r.getHeaders().toArray());
        DlqHeaders.of(reason, field, DlqHeaders.Stage.EMBED, r.getTopic(), r.getPartition(), offset(r), Instant.now())
                .forEach(headers::add);
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(r.getKey()).withHeaders(headers).withTopic(config.topics().dlq()).build();
        byte[] value = r.getPayload() == null ? new byte[0] : r.getPayload();
        // wait for the DLQ write: the source offset is acknowledged only once the record is safe elsewhere
        dlq.sendMessageAndAwait(Message.of(value).addMetadata(meta));
    }

    private static long offset(KafkaRecord<String, byte[]> r) {
        return r.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .map(m -> m.getOffset()).orElse(-1L);
    }

    private record Parsed(KafkaRecord<String, byte[]> record, DocumentOps ops) {
    }
}
