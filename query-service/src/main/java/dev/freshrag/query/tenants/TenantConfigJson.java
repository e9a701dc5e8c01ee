package dev.freshrag.query.tenants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * JSON of tenant configurations. The PUT body is parsed strictly (unknown fields such as a misspelt
 * {@code "topk"} are refused, types are not coerced); topic values leniently about unknown fields, so that a
 * newer writer may add some.
 */
public final class TenantConfigJson {

    private static final ObjectMapper STRICT = EventJson.mapper().copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TenantConfigJson() {
    }

    /** @throws InvalidEventException naming the field */
    public static TenantConfigBody readBody(byte[] json) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException("$", "a JSON body is required");
        }
        try {
            TenantConfigBody body = STRICT.readValue(json, TenantConfigBody.class);
            if (body == null) {
                throw new InvalidEventException("$", "must be a JSON object, was null");
            }
            return body;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidEventException(path(e), "is not a known field (known: adapter{name, source}, promptTemplate, topK)");
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

    /** A topic value; {@link InvalidEventException} when it is not a tenant configuration. */
    public static TenantConfig readStored(byte[] json) {
        return EventJson.read(json, TenantConfig.class);
    }

    public static byte[] write(TenantConfig config) {
        return EventJson.write(config);
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
