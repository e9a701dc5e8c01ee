package dev.freshrag.embed.tracing;

import dev.freshrag.tracing.KafkaHeaderPropagation;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * The embed-service's part of a change's trace. A batch mixes records of many traces (many PUTs), and a trace should
 * show where its own change spent its time, so each record gets a span in its own trace (continuing the context the
 * ingest-service wrote into its kb.chunk-ops headers), from the batch's arrival to its index commit being durable,
 * with two children: the embedding of the slice it was part of and the slice's index write and commit. The slice's
 * work is shared by its records, so those children are the same interval in each record's trace (attributes say how
 * many records and chunks the slice held). The spans are made after the commit, with the measured times: nothing is
 * open while the batch waits, and a batch that fails and is replayed leaves no half-finished span.
 */
@ApplicationScoped
public class BatchTracing {

    public static final String EMBED_SPAN = "embed";
    public static final String COMMIT_SPAN = "index commit";
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("freshrag.tenant");
    public static final AttributeKey<String> DOC_ID = AttributeKey.stringKey("freshrag.doc_id");
    public static final AttributeKey<Long> VERSION = AttributeKey.longKey("freshrag.version");
    public static final AttributeKey<String> LANE = AttributeKey.stringKey("freshrag.lane");
    public static final AttributeKey<Long> SLICE_RECORDS = AttributeKey.longKey("freshrag.slice.records");
    public static final AttributeKey<Long> SLICE_CHUNKS = AttributeKey.longKey("freshrag.slice.chunks_to_embed");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.kafka.destination.partition");

    private final OpenTelemetry otel;
    private final Tracer tracer;

    public BatchTracing(OpenTelemetry otel) {
        this.otel = otel;
        this.tracer = otel.getTracer("dev.freshrag.embed");
    }

    /** The measured intervals of one slice: when its batch arrived, its embedding, its index write and commit. */
    public record SliceTimes(Instant received, Instant embedStart, Instant embedEnd, Instant writeStart, Instant durable,
                             int records, int chunksToEmbed) {
    }

    /** What a span needs to know of one record. */
    public record RecordInfo(Headers headers, String topic, int partition, String lane, String tenant, String docId,
                             long version) {
    }

    /**
     * Records the spans of one applied record and runs {@code whileCurrent} with its span current, so that what it
     * records (the freshness histogram) carries the record's trace as an exemplar.
     */
    public void applied(RecordInfo record, SliceTimes times, Runnable whileCurrent) {
        Context parent = otel.getPropagators().getTextMapPropagator()
                .extract(Context.root(), record.headers(), KafkaHeaderPropagation.GETTER);
        Span span = tracer.spanBuilder(record.topic() + " process")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(times.received())
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.topic())
                .setAttribute(PARTITION, (long) record.partition())
                .setAttribute(LANE, record.lane())
                .setAttribute(TENANT, record.tenant())
                .setAttribute(DOC_ID, record.docId())
                .setAttribute(VERSION, record.version())
                .startSpan();
        Context inRecord = parent.with(span);
        child(inRecord, EMBED_SPAN, times.embedStart(), times.embedEnd(), times);
        child(inRecord, COMMIT_SPAN, times.writeStart(), times.durable(), times);
        try (Scope ignored = span.makeCurrent()) {
            whileCurrent.run();
        } finally {
            span.end(times.durable());
        }
    }

    private void child(Context parent, String name, Instant start, Instant end, SliceTimes times) {
        tracer.spanBuilder(name).setParent(parent).setStartTimestamp(start)
                .setAttribute(SLICE_RECORDS, (long) times.records())
                .setAttribute(SLICE_CHUNKS, (long) times.chunksToEmbed())
                .startSpan().end(end);
    }
}
