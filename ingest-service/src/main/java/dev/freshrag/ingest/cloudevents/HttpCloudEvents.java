package dev.freshrag.ingest.cloudevents;

import dev.freshrag.events.InvalidEventException;
import dev.freshrag.ingest.extraction.TextExtraction;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP protocol binding of {@code POST /v1/tenants/{tenant}/events}: binary mode ({@code ce-*} headers, the body
 * is the data) and structured mode ({@code Content-Type: application/cloudevents+json}); data of an office document
 * or PDF media type is extracted by {@link TextExtraction} before anything is published.
 */
@ApplicationScoped
public class HttpCloudEvents {

    private final CloudEventMapping mapping;

    public HttpCloudEvents(TextExtraction extraction) {
        this.mapping = new CloudEventMapping(extraction::extract);
    }

    /** Blocking (extraction): call it on a worker thread. */
    public MappedEvent read(String tenant, Map<String, List<String>> headers, byte[] body) {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((name, values) -> {
            if (!values.isEmpty()) {
                lower.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        CloudEvent event;
        try {
            event = HttpMessageFactory.createReader(lower, body).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new InvalidEventException("$cloudevent", "is not a valid CloudEvent (binary mode: ce-specversion, ce-id, "
                    + "ce-source, ce-type headers; structured mode: Content-Type application/cloudevents+json): "
                    + KafkaCloudEvents.firstLine(e));
        }
        return mapping.map(event, tenant, true);
    }
}
