package dev.freshrag.index.qdrant;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.SearchHit;
import io.qdrant.client.grpc.JsonWithInt.ListValue;
import io.qdrant.client.grpc.JsonWithInt.Struct;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payload stored beside every chunk vector, and its way back into the port's records.
 *
 * <p>The document's metadata is kept twice, for two different jobs:
 * <ul>
 *   <li>{@value #METADATA}: a nested object with the key/value pairs, returned with hits as they were given;</li>
 *   <li>{@value #META_TERMS}: a list of keywords {@code <key length>:<key>=<value>}, which filters match exactly.</li>
 * </ul>
 * Filtering on the terms rather than on {@code metadata.<key>} has two reasons. Qdrant reads a filter key as a JSON
 * path, so a metadata key containing dots or brackets would address something else; a term is an opaque string, so
 * every key works. And a filter can only ever name a term inside {@value #META_TERMS}: no caller-supplied key can
 * reach the top-level {@value #TENANT} field, so a metadata filter can narrow the tenant condition but never replace
 * or widen it. The length prefix makes the term unambiguous even when keys or values contain {@code =}.
 */
final class ChunkPayloads {

    static final String TENANT = "tenant";
    static final String DOC_ID = "docId";
    static final String CHUNK_ID = "chunkId";
    static final String SEQ = "seq";
    static final String HASH = "hash";
    static final String TEXT = "text";
    static final String TITLE = "title";
    static final String VERSION = "version";
    static final String INDEXED_AT = "indexedAt";
    static final String METADATA = "metadata";
    static final String META_TERMS = "metaTerms";

    /** What a search hit needs; the hash and the filter terms stay on the server. */
    static final List<String> HIT_FIELDS = List.of(DOC_ID, CHUNK_ID, SEQ, TEXT, TITLE, VERSION, METADATA);

    private ChunkPayloads() {
    }

    /** The full payload of a chunk: what an upsert writes and what a payload update overwrites. */
    static Map<String, Value> of(String tenant, String docId, String chunkId, int seq, String hash, String text,
            DocumentPayload payload, long indexedAt) {
        Map<String, Value> p = new LinkedHashMap<>();
        p.put(TENANT, string(tenant));
        p.put(DOC_ID, string(docId));
        p.put(CHUNK_ID, string(chunkId));
        p.put(SEQ, integer(seq));
        if (hash != null) {
            p.put(HASH, string(hash));
        }
        if (text != null) {
            p.put(TEXT, string(text));
        }
        if (payload.title() != null) {
            p.put(TITLE, string(payload.title()));
        }
        p.put(VERSION, integer(payload.version()));
        p.put(INDEXED_AT, integer(indexedAt));
        p.put(METADATA, struct(payload.metadata()));
        List<Value> terms = new ArrayList<>();
        new TreeMap<>(payload.metadata()).forEach((key, value) -> terms.add(string(metaTerm(key, value))));
        p.put(META_TERMS, Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(terms)).build());
        return p;
    }

    static String metaTerm(String key, String value) {
        return key.length() + ":" + key + "=" + value;
    }

    static SearchHit hit(Map<String, Value> payload, float score) {
        return new SearchHit(text(payload, DOC_ID), number(payload, VERSION), text(payload, CHUNK_ID),
                (int) number(payload, SEQ), score, text(payload, TITLE), text(payload, TEXT), metadata(payload));
    }

    static Map<String, String> metadata(Map<String, Value> payload) {
        Value v = payload.get(METADATA);
        if (v == null || !v.hasStructValue()) {
            return Map.of();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        v.getStructValue().getFieldsMap().forEach((key, value) -> {
            if (value.hasStringValue()) {
                metadata.put(key, value.getStringValue());
            }
        });
        return Map.copyOf(metadata);
    }

    /** A string field, or {@code null} if absent or of another type. */
    static String text(Map<String, Value> payload, String key) {
        Value v = payload.get(key);
        return v != null && v.hasStringValue() ? v.getStringValue() : null;
    }

    /** An integer field; Qdrant keeps JSON integers as integers, a double is accepted for data written by hand. */
    static long number(Map<String, Value> payload, String key) {
        Value v = payload.get(key);
        if (v != null && v.hasIntegerValue()) {
            return v.getIntegerValue();
        }
        if (v != null && v.hasDoubleValue()) {
            return (long) v.getDoubleValue();
        }
        throw new IllegalStateException("a FreshRAG point in Qdrant lacks the integer payload field '" + key
                + "'; was it written by something else?");
    }

    static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    static Value integer(long n) {
        return Value.newBuilder().setIntegerValue(n).build();
    }

    static Value struct(Map<String, String> fields) {
        Struct.Builder struct = Struct.newBuilder();
        fields.forEach((key, value) -> struct.putFields(key, string(value)));
        return object(struct);
    }

    static Value object(Struct.Builder struct) {
        return Value.newBuilder().setStructValue(struct).build();
    }
}
