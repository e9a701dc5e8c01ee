package dev.freshrag.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * JSON for everything on FreshRAG's topics. Strict about types (a number is not a string, a
 * string is not a number) so that a producer's mistake is named instead of silently coerced;
 * lenient about unknown fields so that producers may add their own.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = StrictTypes.apply(JsonMapper.builder()
            .disable(StrictTypes.noScalarCoercion())
            .build());

    /** The same rules, and unknown fields refused. */
    private static final ObjectMapper CLOSED = MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses a document-change event; contract violations are reported as {@link InvalidEventException}. */
    public static DocumentChange readDocumentChange(byte[] json) {
        return read(json, DocumentChange.class);
    }

    public static DocumentOps readDocumentOps(byte[] json) {
        return read(json, DocumentOps.class);
    }

    public static <T> T read(byte[] json, Class<T> type) {
        return read(MAPPER, json, type, null);
    }

    /**
     * Like {@link #read(byte[], Class)}, but an unknown field is an error too (request bodies, where a
     * misspelt field must not be silently ignored); {@code knownFields} is named in that error.
     */
    public static <T> T readClosed(byte[] json, Class<T> type, String knownFields) {
        return read(CLOSED, json, type, knownFields);
    }

    private static <T> T read(ObjectMapper mapper, byte[] json, Class<T> type, String knownFields) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException("$", "the value is empty; expected a JSON object");
        }
        try {
            T value = mapper.readValue(json, type);
            if (value == null) {
                throw new InvalidEventException("$", "the value is JSON null; expected a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidEventException(path(e), "is not a known field (known: " + knownFields + ")");
        } catch (MismatchedInputException e) {
            throw new InvalidEventException(path(e), "wrong type or value: " + firstLine(e.getOriginalMessage()));
        } catch (JsonMappingException e) {
            throw new InvalidEventException(path(e), firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return p.isEmpty() ? "$" : p;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
