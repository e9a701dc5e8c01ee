package dev.freshrag.query.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Spans for the steps of a retrieval inside the request's span: the read-your-writes wait (the step that joins a
 * search to the writes it waited for), the query's embedding and the index search. The request's span is the one
 * Quarkus makes for HTTP; a client that sends the {@code traceparent} its write was answered with makes it part of
 * the write's trace (README "Observability").
 */
@ApplicationScoped
public class RetrievalTracing {

    public static final String WAIT_SPAN = "consistency wait";
    public static final String EMBED_SPAN = "embed query";
    public static final String SEARCH_SPAN = "index search";
    public static final AttributeKey<Long> TOKENS = AttributeKey.longKey("freshrag.consistency.tokens");
    public static final AttributeKey<Boolean> CONSISTENT = AttributeKey.booleanKey("freshrag.consistent");

    private final Tracer tracer;

    public RetrievalTracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.freshrag.query");
    }

    /** The wait for {@code tokens} write tokens; the span says whether the index reflected them in time. */
    public boolean waitFor(int tokens, Supplier<Boolean> wait) {
        Span span = tracer.spanBuilder(WAIT_SPAN).setAttribute(TOKENS, (long) tokens).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            boolean consistent = wait.get();
            span.setAttribute(CONSISTENT, consistent);
            return consistent;
        } finally {
            span.end();
        }
    }

    /** Runs one step under a span of that name; a failure is recorded on it. */
    public <T> T step(String name, Supplier<T> work) {
        Span span = tracer.spanBuilder(name).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }
}
