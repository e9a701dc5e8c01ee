package dev.freshrag.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.jboss.logging.Logger;

/**
 * Traces "to the log" for the local stack (one bean for every service: this library is a bean archive), where no collector runs: with tracing switched on
 * ({@code quarkus.otel.sdk.disabled=false}) and the category {@code freshrag.spans} at DEBUG, each finished span is one
 * log line with its trace, its parent, its start and its duration. Quarkus exports to every SpanExporter bean (and to OTLP); at
 * the default INFO level this one logs nothing.
 */
@ApplicationScoped
public class SpanLog implements SpanExporter {

    private static final Logger LOG = Logger.getLogger("freshrag.spans");

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (LOG.isDebugEnabled()) {
            for (SpanData s : spans) {
                // start= (epoch microseconds): the gaps between a change's spans are its waits between stages
                LOG.debugf("span trace=%s id=%s parent=%s links=%d start=%d %.1f ms '%s' %s", s.getTraceId(), s.getSpanId(),
                        s.getParentSpanContext().isValid() ? s.getParentSpanId() : "-", s.getLinks().size(),
                        s.getStartEpochNanos() / 1000, (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e6, s.getName(),
                        s.getAttributes().asMap());
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
