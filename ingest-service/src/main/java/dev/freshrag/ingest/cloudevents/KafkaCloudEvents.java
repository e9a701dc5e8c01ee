package dev.freshrag.ingest.cloudevents;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.InvalidEventException;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka protocol binding on kb.doc-changes: a record with a {@code ce_specversion} header (binary mode) or a
 * {@code content-type: application/cloudevents+json} header (structured mode) is a CloudEvent; any other record is
 * FreshRAG's own JSON. The record key stays {@code tenant/docId} (it decides the partition and compaction); the
 * tenant comes from the {@code freshragtenant} extension, else from the key.
 */
public final class KafkaCloudEvents {

    private final CloudEventMapping mapping = new CloudEventMapping(CloudEventMapping.NO_EXTRACTION);

    public static boolean isCloudEvent(Headers headers) {
        if (headers.lastHeader("ce_specversion") != null) {
            return true;
        }
        Header type = headers.lastHeader("content-type");
        return type != null && type.value() != null
                && new String(type.value(), StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT).startsWith("application/cloudevents");
    }

    public DocumentChange read(byte[] key, Headers headers, byte[] value) {
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new InvalidEventException("$cloudevent", "is not a valid CloudEvent: " + firstLine(e));
        }
        String tenant = DocumentKey.parse(key).map(DocumentKey::tenant).orElse(null);
        return mapping.map(event, tenant, false).change();
    }

    static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }
}
