package dev.freshrag.index.lucene;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.LexicalAnalysis;
import dev.freshrag.index.SearchHit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/**
 * How a chunk is laid out as a Lucene document: one document per chunk, its fields, the composite keys that
 * address a document or a chunk within one tenant, and the conversions between a chunk and a document.
 * Changing anything here changes the on-disk format that running readers and existing indexes rely on.
 */
final class LuceneSchema {

    static final String F_TENANT = "tenant";
    static final String F_DOC_ID = "docId";
    /** tenant + docId, indexed only: the exact key of a document, for deletes and lookups. */
    static final String F_DOC_KEY = "docKey";
    static final String F_CHUNK_ID = "chunkId";
    /** tenant + chunkId, indexed only: the update key of a point, so ids never collide across tenants. */
    static final String F_CHUNK_KEY = "chunkKey";
    static final String F_SEQ = "seq";
    static final String F_HASH = "hash";
    static final String F_VERSION = "version";
    static final String F_TITLE = "title";
    static final String F_TEXT = "text";
    static final String F_INDEXED_AT = "indexedAt";
    static final String F_VECTOR = "vector";
    /**
     * The chunk text again, indexed only, analysed for English ({@link LexicalAnalysis}) for BM25 search. Chunks
     * written before this field existed have none: they are found by dense search only until they are re-indexed.
     */
    static final String F_LEXICAL = "lexical";
    /**
     * The chunk's label ({@link LexicalAnalysis#label}: its document's title and docId), indexed only, analysed the
     * same way; lexical search scores it beside {@link #F_LEXICAL}. Rebuilt with the document on every relabel.
     */
    static final String F_LEXICAL_LABEL = "lexicalLabel";
    /** The vector again as little-endian float bytes, so a payload update needs no re-embedding. */
    static final String F_VECTOR_BYTES = "vectorBytes";
    /**
     * tenant + docId, indexed only, on the one non-vector "mark" document per document (see {@link DocumentMark}).
     * Marks carry no {@link #F_DOC_KEY}, {@link #F_TENANT} nor vector, so no chunk read, status or search sees them.
     */
    static final String F_MARK_KEY = "markKey";
    static final String F_MARK_VERSION = "mark.version";
    static final String F_MARK_DELETED = "mark.deleted";
    static final String F_MARK_PARTITION = "mark.partition";
    static final String F_MARK_OFFSET = "mark.offset";
    /** Prefix of one field per metadata key: stored with the value, indexed with {@link #metaTerm}. */
    static final String META_PREFIX = "meta.";

    /** What a document status reads of each chunk. */
    static final Set<String> STATUS_FIELDS = Set.of(F_VERSION, F_INDEXED_AT);
    /** What a chunk listing reads of each chunk. */
    static final Set<String> CHUNK_FIELDS = Set.of(F_CHUNK_ID, F_SEQ);

    /** Metadata values longer than this (UTF-8 bytes) are indexed by their SHA-256, to stay below Lucene's term limit. */
    private static final int MAX_META_TERM_BYTES = 512;

    /** The composite keys must stay below Lucene's term length limit (32766 UTF-8 bytes). */
    private static final int MAX_ID_LENGTH = 4096;

    private LuceneSchema() {
    }

    static Document toDocument(IndexPoint p) {
        return toDocument(p.tenant(), p.docId(), p.chunkId(), p.seq(), p.hash(), p.text(), p.payload(), p.vector(),
                p.indexedAt());
    }

    /**
     * The stored chunk {@code old} with a new payload and position; its vector, text, hash and write time are kept,
     * so a relabelled chunk is never embedded again.
     */
    static Document relabelled(Document old, String tenant, String docId, String chunkId, int seq,
            DocumentPayload payload) {
        return toDocument(tenant, docId, chunkId, seq, old.get(F_HASH), old.get(F_TEXT), payload,
                fromBytes(old.getBinaryValue(F_VECTOR_BYTES)), old.getField(F_INDEXED_AT).numericValue().longValue());
    }

    private static Document toDocument(String tenant, String docId, String chunkId, int seq, String hash, String text,
            DocumentPayload payload, float[] vector, long indexedAt) {
        Document d = new Document();
        d.add(new StringField(F_TENANT, tenant, Field.Store.YES));
        d.add(new StringField(F_DOC_ID, docId, Field.Store.YES));
        d.add(new StringField(F_DOC_KEY, key(tenant, docId), Field.Store.NO));
        d.add(new StringField(F_CHUNK_ID, chunkId, Field.Store.YES));
        d.add(new StringField(F_CHUNK_KEY, key(tenant, chunkId), Field.Store.NO));
        d.add(new StoredField(F_SEQ, seq));
        if (hash != null) {
            d.add(new StoredField(F_HASH, hash));
        }
        d.add(new StoredField(F_VERSION, payload.version()));
        if (payload.title() != null) {
            d.add(new StoredField(F_TITLE, payload.title()));
        }
        if (text != null) {
            d.add(new StoredField(F_TEXT, text));
            // the shared analysis, whatever analyzer the writer is configured with
            d.add(new TextField(F_LEXICAL, new AnalysedTerms(text)));
        }
        d.add(new TextField(F_LEXICAL_LABEL, new AnalysedTerms(LexicalAnalysis.label(payload.title(), docId))));
        payload.metadata().forEach((key, value) -> {
            d.add(new StoredField(META_PREFIX + key, value));
            d.add(new StringField(META_PREFIX + key, metaTerm(value), Field.Store.NO));
        });
        d.add(new StoredField(F_INDEXED_AT, indexedAt));
        d.add(new KnnFloatVectorField(F_VECTOR, vector, VectorSimilarityFunction.COSINE));
        d.add(new StoredField(F_VECTOR_BYTES, toBytes(vector)));
        return d;
    }

    static Term markKey(String tenant, String docId) {
        return new Term(F_MARK_KEY, key(tenant, docId));
    }

    static Document toMarkDocument(String tenant, String docId, DocumentMark mark) {
        Document d = new Document();
        d.add(new StringField(F_MARK_KEY, key(tenant, docId), Field.Store.NO));
        d.add(new StoredField(F_MARK_VERSION, mark.version()));
        d.add(new StoredField(F_MARK_DELETED, mark.deleted() ? 1 : 0));
        d.add(new StoredField(F_MARK_PARTITION, mark.sourcePartition()));
        d.add(new StoredField(F_MARK_OFFSET, mark.sourceOffset()));
        return d;
    }

    static DocumentMark toMark(Document d) {
        return new DocumentMark(d.getField(F_MARK_VERSION).numericValue().longValue(),
                d.getField(F_MARK_DELETED).numericValue().intValue() == 1,
                d.getField(F_MARK_PARTITION).numericValue().intValue(),
                d.getField(F_MARK_OFFSET).numericValue().longValue());
    }

    /** A search hit from a stored chunk and its Lucene score. */
    static SearchHit toHit(Document d, float score) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (IndexableField f : d.getFields()) {
            if (f.name().startsWith(META_PREFIX) && f.stringValue() != null) {
                metadata.put(f.name().substring(META_PREFIX.length()), f.stringValue());
            }
        }
        return new SearchHit(d.get(F_DOC_ID), d.getField(F_VERSION).numericValue().longValue(), d.get(F_CHUNK_ID),
                d.getField(F_SEQ).numericValue().intValue(), cosineFromScore(score), d.get(F_TITLE), d.get(F_TEXT),
                Map.copyOf(metadata));
    }

    /** A lexical search hit: the BM25 score as it is. */
    static SearchHit toLexicalHit(Document d, float bm25) {
        SearchHit h = toHit(d, 1f);
        return new SearchHit(h.docId(), h.version(), h.chunkId(), h.seq(), bm25, h.title(), h.text(), h.metadata());
    }

    /** Lucene scores COSINE as max((1 + cos) / 2, 0); report the cosine itself. */
    static float cosineFromScore(float score) {
        return Math.max(-1f, Math.min(1f, 2f * score - 1f));
    }

    /** An unambiguous composite key: no (tenant, id) pair shares a key with another, whatever they contain. */
    static String key(String tenant, String id) {
        return tenant.length() + ":" + tenant + "/" + id;
    }

    static Term docKey(String tenant, String docId) {
        return new Term(F_DOC_KEY, key(tenant, docId));
    }

    static Term chunkKey(String tenant, String chunkId) {
        return new Term(F_CHUNK_KEY, key(tenant, chunkId));
    }

    static Term tenantTerm(String tenant) {
        return new Term(F_TENANT, tenant);
    }

    /** The term a metadata filter {@code key = value} matches. */
    static Term metaFilterTerm(String key, String value) {
        return new Term(META_PREFIX + key, metaTerm(value));
    }

    /** The indexed term of a metadata value; long values go by their SHA-256 so any value can be filtered on. */
    static String metaTerm(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_META_TERM_BYTES) {
            return "=" + value;
        }
        try {
            return "#" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static BytesRef toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return new BytesRef(buffer.array());
    }

    static float[] fromBytes(BytesRef bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(vector);
        return vector;
    }

    /** Refuses an id that cannot be part of a composite key. */
    static void checkId(String id, String what) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_ID_LENGTH + " characters");
        }
    }
}
