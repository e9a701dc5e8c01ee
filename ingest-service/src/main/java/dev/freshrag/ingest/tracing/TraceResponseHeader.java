package dev.freshrag.ingest.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers every write with the W3C {@code traceparent} of its request's span. A client that sends it back as the
 * {@code traceparent} header of the search that waits for the write (with {@code consistentWith}) puts that search in
 * the write's trace: one trace from the PUT to the search, across both Kafka hops (README "Observability"). Nothing is
 * added when tracing is off (no valid span).
 */
@Provider
public class TraceResponseHeader implements ContainerResponseFilter {

    public static final String HEADER = "traceparent";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid() && !response.getHeaders().containsKey(HEADER)) {
            response.getHeaders().putSingle(HEADER, traceparent(span));
        }
    }

    /** {@code 00-<trace id>-<span id>-<flags>}, version 00 of the W3C Trace Context format. */
    static String traceparent(SpanContext span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }
}
