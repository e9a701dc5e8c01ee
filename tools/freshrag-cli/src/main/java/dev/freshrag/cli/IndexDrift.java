package dev.freshrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares one document's expected state (the ingest-service's document state) with what the index holds (the
 * query-service): the differences verify prints, none when they agree.
 */
final class IndexDrift {

    /** What can differ. */
    enum Kind {
        /** live in the state, absent from the index */
        MISSING,
        /** the index holds another version than the state */
        STALE_VERSION,
        /** chunks of the state's version the index lacks */
        MISSING_CHUNKS,
        /** chunks the index holds that the state's version has not */
        EXTRA_CHUNKS,
        /** deleted in the state, still in the index */
        NOT_DELETED,
        /** in the index, unknown to the state */
        ORPHAN
    }

    /** One difference of one document, with a human detail. */
    record Difference(String tenant, String docId, Kind kind, String detail) {
        String line() {
            return String.format("%-14s %s/%s  %s", kind.name().toLowerCase().replace('_', '-'), tenant, docId, detail);
        }
    }

    private IndexDrift() {
    }

    /**
     * @param expected {tenant, docId, version, deleted, chunkIds} from the ingest-service
     * @param indexed  {present, version, chunkIds} from the query-service
     */
    static List<Difference> compare(JsonNode expected, JsonNode indexed) {
        String tenant = expected.path("tenant").asText();
        String docId = expected.path("docId").asText();
        long version = expected.path("version").asLong();
        boolean present = indexed.path("present").asBoolean(false);
        List<Difference> out = new ArrayList<>();
        if (expected.path("deleted").asBoolean(false)) {
            if (present) {
                out.add(new Difference(tenant, docId, Kind.NOT_DELETED, "deleted at v" + version + ", the index holds v"
                        + indexed.path("version").asLong() + " (" + indexed.path("chunkIds").size() + " chunks)"));
            }
            return out;
        }
        Set<String> want = ids(expected.path("chunkIds"));
        if (!present) {
            out.add(new Difference(tenant, docId, Kind.MISSING, "v" + version + ", " + want.size() + " chunks"));
            return out;
        }
        long held = indexed.path("version").asLong();
        if (held != version) {
            out.add(new Difference(tenant, docId, Kind.STALE_VERSION, "the index holds v" + held + ", the state v" + version));
        }
        Set<String> have = ids(indexed.path("chunkIds"));
        Set<String> missing = new LinkedHashSet<>(want);
        missing.removeAll(have);
        Set<String> extra = new LinkedHashSet<>(have);
        extra.removeAll(want);
        if (!missing.isEmpty()) {
            out.add(new Difference(tenant, docId, Kind.MISSING_CHUNKS, missing.size() + " of " + want.size() + ": " + sample(missing)));
        }
        if (!extra.isEmpty()) {
            out.add(new Difference(tenant, docId, Kind.EXTRA_CHUNKS, extra.size() + ": " + sample(extra)));
        }
        return out;
    }

    /**
     * @param indexed {docId, version} of a document the index holds (the query-service's listing of a tenant)
     * @param known   "tenant/docId" of every document the state knows, deleted ones included
     * @return an {@link Kind#ORPHAN} difference if the state does not know it
     */
    static java.util.Optional<Difference> orphan(String tenant, JsonNode indexed, Set<String> known) {
        String docId = indexed.path("docId").asText();
        if (known.contains(tenant + "/" + docId)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Difference(tenant, docId, Kind.ORPHAN, "the index holds v"
                + indexed.path("version").asLong() + ", the pipeline's state does not know the document"));
    }

    private static Set<String> ids(JsonNode array) {
        Set<String> ids = new LinkedHashSet<>();
        array.forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** The first few ids: a document can have thousands of chunks. */
    private static String sample(Set<String> ids) {
        List<String> first = ids.stream().limit(3).toList();
        return String.join(", ", first) + (ids.size() > first.size() ? ", ..." : "");
    }
}
