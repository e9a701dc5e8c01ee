package dev.freshrag.embed.pipeline;

import dev.freshrag.events.DocumentKey;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.PreparedPoints;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A slice's chunk writes made ready on its lane's thread before the slice goes to the single index-writer thread
 * ({@link dev.freshrag.index.VectorIndexWriter#prepare}): a document of thousands of chunks then costs the writer
 * thread a segment copy instead of seconds of HNSW insertion, so the other lane's writes are not held behind it.
 * Keyed by document and version; the writer uses an entry only if it still writes exactly those points (the write
 * re-plans after dropping superseded records, and may differ). Closed once the slice is written or abandoned.
 */
final class PreparedWrites implements AutoCloseable {

    static final PreparedWrites NONE = new PreparedWrites(Map.of());

    private record Key(DocumentKey document, long version) {
    }

    private final Map<Key, PreparedPoints> byDocument;

    private PreparedWrites(Map<Key, PreparedPoints> byDocument) {
        this.byDocument = byDocument;
    }

    static Builder builder() {
        return new Builder();
    }

    /** The prepared write of these points, if one was made for exactly them (chunk ids, order, texts and payload). */
    PreparedPoints matching(String tenant, String docId, long version, List<IndexPoint> points) {
        PreparedPoints p = byDocument.get(new Key(new DocumentKey(tenant, docId), version));
        return p != null && sameWrite(p.points(), points) ? p : null;
    }

    private static boolean sameWrite(List<IndexPoint> a, List<IndexPoint> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            IndexPoint x = a.get(i);
            IndexPoint y = b.get(i);
            if (!x.chunkId().equals(y.chunkId()) || x.seq() != y.seq() || !x.hash().equals(y.hash())
                    || !Objects.equals(x.payload(), y.payload())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        byDocument.values().forEach(PreparedPoints::close);
    }

    static final class Builder {
        private final Map<Key, PreparedPoints> byDocument = new HashMap<>();

        void add(String tenant, String docId, long version, PreparedPoints prepared) {
            PreparedPoints previous = byDocument.put(new Key(new DocumentKey(tenant, docId), version), prepared);
            if (previous != null) {
                previous.close();
            }
        }

        PreparedWrites build() {
            return byDocument.isEmpty() ? NONE : new PreparedWrites(byDocument);
        }
    }
}
