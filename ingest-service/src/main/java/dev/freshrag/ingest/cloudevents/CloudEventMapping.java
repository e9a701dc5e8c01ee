package dev.freshrag.ingest.cloudevents;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.ingest.extraction.DocumentFormat;
import dev.freshrag.ingest.extraction.ExtractedText;
import io.cloudevents.CloudEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * How a CloudEvent becomes a document change (the same rules over HTTP and Kafka):
 * <ul>
 * <li>{@code type} ending in {@code .deleted} or {@code .removed} (any case): DELETE; any other type: UPSERT;</li>
 * <li>{@code subject}: the docId (required);</li>
 * <li>{@code time}: sourceTimestamp;</li>
 * <li>extension {@code freshragversion}: the version (a positive integer; absent: a versionless event);</li>
 * <li>extension {@code freshragtenant}: the tenant (over HTTP it must match the path's; over Kafka it may stand in for
 * the record key's);</li>
 * <li>extension {@code freshragpriority: bulk}: the bulk lane (HTTP; on Kafka the record header does that);</li>
 * <li>{@code data} by {@code datacontenttype}: {@code text/plain}, {@code text/markdown}, {@code text/html} are the
 * content (UTF-8); {@code application/json} (or absent, with a JSON object as data) holds {@code title},
 * {@code contentType}, {@code content}, {@code metadata}; an office document or PDF media type is extracted by the
 * given extractor (over Kafka there is none: such data is refused, so that kb.doc-changes carries text).</li>
 * </ul>
 * Every violation is an {@link InvalidEventException} naming the attribute: a 400 over HTTP, kb.dlq over Kafka.
 */
public final class CloudEventMapping {

    public static final String TENANT = "freshragtenant";
    public static final String VERSION = "freshragversion";
    public static final String PRIORITY = "freshragpriority";

    private final BiFunction<byte[], DocumentFormat, ExtractedText> extractor;

    /** @param extractor the text of office documents and PDFs; {@link #NO_EXTRACTION} refuses them */
    public CloudEventMapping(BiFunction<byte[], DocumentFormat, ExtractedText> extractor) {
        this.extractor = extractor;
    }

    /** For the Kafka binding: binary documents are not extracted inside the stream thread. */
    public static final BiFunction<byte[], DocumentFormat, ExtractedText> NO_EXTRACTION = (data, format) -> {
        throw new InvalidEventException("datacontenttype", format.mediaType() + " is not extracted from Kafka records: "
                + "send office documents and PDFs through the HTTP gateway (it publishes their text), or send text");
    };

    /**
     * @param tenant the tenant the transport names (the HTTP path, or the Kafka record key's); null when it names none
     * @param transportFixesTenant true over HTTP: the extension may only repeat the path's tenant
     */
    public MappedEvent map(CloudEvent event, String tenant, boolean transportFixesTenant) {
        String declared = extensionText(event, TENANT).orElse(null);
        if (declared != null && tenant != null && !declared.equals(tenant) && transportFixesTenant) {
            throw new InvalidEventException(TENANT, "is '" + declared + "' but the request is for tenant '" + tenant + "'");
        }
        String effectiveTenant = declared != null ? declared : tenant;
        if (effectiveTenant == null) {
            throw new InvalidEventException(TENANT, "is required: the tenant of the document (or a record key tenant/docId)");
        }
        String docId = event.getSubject();
        if (docId == null || docId.isEmpty()) {
            throw new InvalidEventException("subject", "is required: it is the docId of the document");
        }
        Long version = version(event);
        String sourceTimestamp = event.getTime() == null ? null : event.getTime().toString();
        Priority priority = extensionText(event, PRIORITY).map(p -> p.equalsIgnoreCase(Priority.BULK_VALUE) ? Priority.BULK : Priority.LIVE)
                .orElse(Priority.LIVE);
        if (isDelete(event.getType())) {
            return new MappedEvent(new DocumentChange(effectiveTenant, docId, version, Op.DELETE, null, null, null, null, null), priority);
        }
        byte[] data = event.getData() == null ? null : event.getData().toBytes();
        if (data == null || data.length == 0) {
            throw new InvalidEventException("data", "is required for '" + event.getType() + "' (an upsert): the document's content");
        }
        // the JSON format carries a JSON object as data without datacontenttype; anything else is text
        String mediaType = event.getDataContentType() != null ? event.getDataContentType()
                : data[0] == '{' ? "application/json" : "text/plain";
        String bare = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (bare.equals("application/json") || bare.endsWith("+json")) {
            CloudEventData d = EventJson.read(data, CloudEventData.class);
            return new MappedEvent(new DocumentChange(effectiveTenant, docId, version, Op.UPSERT, d.title(), d.contentType(),
                    d.content(), d.metadata(), sourceTimestamp), priority);
        }
        DocumentFormat format = DocumentFormat.ofMediaType(bare).orElseThrow(() -> new InvalidEventException("datacontenttype",
                "'" + mediaType + "' is not supported; use application/json or one of " + DocumentFormat.accepted()));
        ExtractedText text = format.needsExtraction() ? extractor.apply(data, format)
                : new ExtractedText(utf8(data), format.contentType(), null);
        return new MappedEvent(new DocumentChange(effectiveTenant, docId, version, Op.UPSERT, text.title(),
                text.contentType().mediaType(), text.content(), null, sourceTimestamp), priority);
    }

    static boolean isDelete(String type) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        return t.endsWith(".deleted") || t.endsWith(".removed");
    }

    private static Long version(CloudEvent event) {
        Object v = event.getExtension(VERSION);
        if (v == null) {
            return null;
        }
        long version;
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
            version = n.longValue();
        } else {
            try {
                version = Long.parseLong(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new InvalidEventException(VERSION, "must be a positive integer, was '" + v + "'");
            }
        }
        if (version < 1) {
            throw new InvalidEventException(VERSION, "must be a positive integer, was " + version);
        }
        return version;
    }

    private static Optional<String> extensionText(CloudEvent event, String name) {
        Object v = event.getExtension(name);
        return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString().strip());
    }

    private static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidEventException("data", "is not valid UTF-8 text");
        }
    }
}
