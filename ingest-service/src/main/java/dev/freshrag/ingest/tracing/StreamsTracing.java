package dev.freshrag.ingest.tracing;

import dev.freshrag.tracing.KafkaHeaderPropagation;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka Streams is not instrumented by Quarkus: this carries the trace across the topology by hand. The span of an
 * event's processing continues the trace its kb.doc-changes record names in its headers (the gateway's PUT, or any
 * instrumented producer), and every record the processor emits (kb.chunk-ops, kb.chunk-ops.bulk, kb.dlq) carries the
 * context of that span, so the embed-service continues the same trace.
 */
public final class StreamsTracing {

    /** The span of one event's processing (validate, guard, chunk, diff). */
    public static final String PROCESS_SPAN = "kb.doc-changes process";
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.kafka.destination.partition");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.message.offset");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("freshrag.outcome");

    private final OpenTelemetry otel;
    private final Tracer tracer;

    public StreamsTracing(OpenTelemetry otel) {
        this.otel = otel;
        this.tracer = otel.getTracer("dev.freshrag.ingest");
    }

    /** No tracing at all: the topology's own tests and any caller without an OpenTelemetry instance. */
    public static StreamsTracing disabled() {
        return new StreamsTracing(OpenTelemetry.noop());
    }

    /** Starts the processing span of one input record as a child of the context its headers carry, and makes it current. */
    public Active start(Headers input, String topic, int partition, long offset) {
        Context parent = otel.getPropagators().getTextMapPropagator()
                .extract(Context.root(), input, KafkaHeaderPropagation.GETTER);
        Span span = tracer.spanBuilder(PROCESS_SPAN)
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, topic)
                .setAttribute(PARTITION, (long) partition)
                .setAttribute(OFFSET, offset)
                .startSpan();
        return new Active(span, span.makeCurrent());
    }

    /** Writes the current context (the processing span) into the headers of a record about to be emitted. */
    public void inject(Headers output) {
        otel.getPropagators().getTextMapPropagator().inject(Context.current(), output, KafkaHeaderPropagation.SETTER);
    }

    /** The processing span while it is current; closing it ends the span. */
    public static final class Active implements AutoCloseable {
        private final Span span;
        private final Scope scope;

        Active(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** What became of the event: applied, stale, dead-lettered. */
        public void outcome(String outcome) {
            span.setAttribute(OUTCOME, outcome);
        }

        public void failed(Throwable t) {
            span.recordException(t);
            span.setStatus(StatusCode.ERROR);
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}
