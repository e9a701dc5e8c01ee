package dev.freshrag.index.lucene;

import static dev.freshrag.index.lucene.LuceneSchema.CHUNK_FIELDS;
import static dev.freshrag.index.lucene.LuceneSchema.F_CHUNK_ID;
import static dev.freshrag.index.lucene.LuceneSchema.F_INDEXED_AT;
import static dev.freshrag.index.lucene.LuceneSchema.F_SEQ;
import static dev.freshrag.index.lucene.LuceneSchema.F_VECTOR;
import static dev.freshrag.index.lucene.LuceneSchema.F_VERSION;
import static dev.freshrag.index.lucene.LuceneSchema.STATUS_FIELDS;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.LexicalAnalysis;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;

/**
 * The reads of the index over one searcher (one point in time), the same for the writer's near-real-time view
 * and a reader's commit: tenant-filtered kNN, a document's status and its chunks. Arguments are already checked.
 */
final class ChunkQueries {

    private ChunkQueries() {
    }

    static List<SearchHit> search(IndexSearcher s, SearchQuery query) throws IOException {
        int maxDoc = s.getIndexReader().maxDoc();
        if (maxDoc == 0) {
            return List.of();
        }
        int k = Math.min(query.k(), maxDoc);
        // The tenant condition is always added here; caller filters can only narrow it, because they
        // address "meta.<key>" fields and the tenant lives in its own field.
        BooleanQuery.Builder filter = new BooleanQuery.Builder()
                .add(new TermQuery(LuceneSchema.tenantTerm(query.tenant())), BooleanClause.Occur.FILTER);
        query.filter().forEach((key, value) -> filter.add(
                new TermQuery(LuceneSchema.metaFilterTerm(key, value)), BooleanClause.Occur.FILTER));
        // HNSW explores as many candidates as it is asked for: asking for at least SEARCH_CANDIDATES and
        // keeping the best k raised recall@10 from 0.887 to 0.997 at 100k chunks for synthetic queries, and 400
        // candidates from 0.897 to 0.984 for real query vectors (BENCHMARKS.md)
        int candidates = Math.min(Math.max(k, LuceneVectorIndex.SEARCH_CANDIDATES), maxDoc);
        TopDocs top = s.search(new KnnFloatVectorQuery(F_VECTOR, query.vector(), candidates, filter.build()), k);
        StoredFields sf = s.storedFields();
        List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            hits.add(LuceneSchema.toHit(sf.document(sd.doc), sd.score));
        }
        return hits;
    }

    /**
     * BM25 over the analysed text field ({@link LuceneSchema#F_LEXICAL}) plus BM25 over the label field
     * ({@link LuceneSchema#F_LEXICAL_LABEL}), inside the same tenant and metadata filter
     * as {@link #search}. A query term said twice weighs twice, as in the Qdrant adapter's sparse query.
     */
    static List<SearchHit> searchLexical(IndexSearcher s, LexicalQuery query) throws IOException {
        Map<String, Integer> terms = LexicalAnalysis.queryTermFrequencies(query.text());
        int maxDoc = s.getIndexReader().maxDoc();
        if (maxDoc == 0 || terms.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder()
                .add(new TermQuery(LuceneSchema.tenantTerm(query.tenant())), BooleanClause.Occur.FILTER);
        query.filter().forEach((key, value) -> q.add(
                new TermQuery(LuceneSchema.metaFilterTerm(key, value)), BooleanClause.Occur.FILTER));
        // each term in the text and in the label (title, docId): the two BM25 scores add up, as the Qdrant adapter's
        // sparse vector holds both fields' terms under separate ids
        for (String field : List.of(LuceneSchema.F_LEXICAL, LuceneSchema.F_LEXICAL_LABEL)) {
            terms.forEach((term, count) -> {
                Query tq = new TermQuery(new Term(field, term));
                q.add(count == 1 ? tq : new BoostQuery(tq, count), BooleanClause.Occur.SHOULD);
            });
        }
        // with FILTER clauses present, SHOULD clauses are optional: without this every chunk of the tenant matches
        q.setMinimumNumberShouldMatch(1);
        TopDocs top = s.search(q.build(), Math.min(query.k(), maxDoc));
        StoredFields sf = s.storedFields();
        List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            hits.add(LuceneSchema.toLexicalHit(sf.document(sd.doc), sd.score));
        }
        return hits;
    }

    /** Exact even while a document's chunks differ in version: the highest version and write time count. */
    static Optional<DocumentStatus> document(IndexSearcher s, String tenant, String docId) throws IOException {
        long[] acc = {Long.MIN_VALUE, Long.MIN_VALUE, 0}; // version, indexedAt, chunks
        forEachDoc(s, LuceneSchema.docKey(tenant, docId), (sf, doc) -> {
            Document d = sf.document(doc, STATUS_FIELDS);
            acc[0] = Math.max(acc[0], d.getField(F_VERSION).numericValue().longValue());
            acc[1] = Math.max(acc[1], d.getField(F_INDEXED_AT).numericValue().longValue());
            acc[2]++;
        });
        return acc[2] == 0 ? Optional.empty() : Optional.of(new DocumentStatus(docId, acc[0], (int) acc[2], acc[1]));
    }

    /** Chunk ids of the document, ordered by their position ({@code seq}), then id. */
    static List<String> chunkIds(IndexSearcher s, String tenant, String docId) throws IOException {
        List<Map.Entry<Integer, String>> chunks = new ArrayList<>();
        forEachDoc(s, LuceneSchema.docKey(tenant, docId), (sf, doc) -> {
            Document d = sf.document(doc, CHUNK_FIELDS);
            chunks.add(Map.entry(d.getField(F_SEQ).numericValue().intValue(), d.get(F_CHUNK_ID)));
        });
        chunks.sort(Map.Entry.<Integer, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        return chunks.stream().map(Map.Entry::getValue).toList();
    }

    /**
     * The tenant's documents whose docId starts with the prefix, in docId order. The doc-key terms are sorted, so the
     * prefix's terms are visited in docId order and the walk stops after {@code limit} documents.
     */
    static List<DocumentStatus> documents(IndexSearcher s, String tenant, String prefix, int limit) throws IOException {
        java.util.TreeSet<String> docIds = new java.util.TreeSet<>();
        String keyPrefix = LuceneSchema.key(tenant, prefix);
        String tenantKey = LuceneSchema.key(tenant, "");
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
            org.apache.lucene.index.Terms terms = ctx.reader().terms(LuceneSchema.F_DOC_KEY);
            if (terms == null) {
                continue;
            }
            org.apache.lucene.index.TermsEnum te = terms.iterator();
            if (te.seekCeil(new org.apache.lucene.util.BytesRef(keyPrefix)) == org.apache.lucene.index.TermsEnum.SeekStatus.END) {
                continue;
            }
            int taken = 0;
            for (org.apache.lucene.util.BytesRef t = te.term(); t != null && taken < limit; t = te.next()) {
                String key = t.utf8ToString();
                if (!key.startsWith(keyPrefix)) {
                    break;
                }
                // a term outlives its documents until a merge: count only documents with a live chunk
                if (hasLiveDoc(ctx.reader(), te)) {
                    docIds.add(key.substring(tenantKey.length()));
                    taken++;
                }
            }
        }
        List<DocumentStatus> out = new ArrayList<>();
        for (String docId : docIds) {
            if (out.size() == limit) {
                break;
            }
            document(s, tenant, docId).ifPresent(out::add);
        }
        return out;
    }

    /**
     * A page of the tenant's live document marks in docId order, strictly after {@code afterDocId} (empty: from the
     * start). The mark-key terms are sorted, so each segment's walk stops after {@code limit} marks; the segments'
     * smallest {@code limit} make the page, and its last docId is the next cursor.
     */
    static dev.freshrag.index.IndexedDocumentPage indexedDocuments(IndexSearcher s, String tenant, String afterDocId,
                                                                   int limit) throws IOException {
        java.util.TreeSet<String> docIds = new java.util.TreeSet<>();
        String tenantKey = LuceneSchema.key(tenant, "");
        String from = LuceneSchema.key(tenant, afterDocId);
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
            org.apache.lucene.index.Terms terms = ctx.reader().terms(LuceneSchema.F_MARK_KEY);
            if (terms == null) {
                continue;
            }
            org.apache.lucene.index.TermsEnum te = terms.iterator();
            if (te.seekCeil(new org.apache.lucene.util.BytesRef(from)) == org.apache.lucene.index.TermsEnum.SeekStatus.END) {
                continue;
            }
            int taken = 0;
            for (org.apache.lucene.util.BytesRef t = te.term(); t != null && taken < limit; t = te.next()) {
                String key = t.utf8ToString();
                if (!key.startsWith(tenantKey)) {
                    break;
                }
                String docId = key.substring(tenantKey.length());
                if (docId.equals(afterDocId) || !hasLiveDoc(ctx.reader(), te)) {
                    continue;
                }
                docIds.add(docId);
                taken++;
            }
        }
        while (docIds.size() > limit) {
            docIds.pollLast();
        }
        List<dev.freshrag.index.IndexedDocument> out = new ArrayList<>();
        for (String docId : docIds) {
            mark(s, tenant, docId).filter(m -> !m.deleted())
                    .ifPresent(m -> out.add(new dev.freshrag.index.IndexedDocument(docId, m.version())));
        }
        return new dev.freshrag.index.IndexedDocumentPage(out, docIds.size() == limit ? docIds.last() : null);
    }

    private static boolean hasLiveDoc(LeafReader reader, org.apache.lucene.index.TermsEnum te) throws IOException {
        Bits live = reader.getLiveDocs();
        PostingsEnum postings = te.postings(null, PostingsEnum.NONE);
        for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
            if (live == null || live.get(d)) {
                return true;
            }
        }
        return false;
    }

    /** The document's chunks with their stored fields, by {@code seq}, then chunk id; score 0 (no query). */
    static List<SearchHit> chunks(IndexSearcher s, String tenant, String docId) throws IOException {
        List<SearchHit> chunks = new ArrayList<>();
        forEachDoc(s, LuceneSchema.docKey(tenant, docId), (sf, doc) -> {
            chunks.add(LuceneSchema.toHit(sf.document(doc), 0.5f)); // 0.5 is Lucene's score of cosine 0
        });
        chunks.sort(java.util.Comparator.comparingInt(SearchHit::seq).thenComparing(SearchHit::chunkId));
        return chunks;
    }

    /** Every stored field of the document's chunks, by chunk id: what a payload update rewrites. */
    static Map<String, Document> storedChunks(IndexSearcher s, String tenant, String docId) throws IOException {
        Map<String, Document> chunks = new HashMap<>();
        forEachDoc(s, LuceneSchema.docKey(tenant, docId), (sf, doc) -> {
            Document d = sf.document(doc);
            chunks.put(d.get(F_CHUNK_ID), d);
        });
        return chunks;
    }

    /** The document's mark, if one was written. */
    static Optional<DocumentMark> mark(IndexSearcher s, String tenant, String docId) throws IOException {
        DocumentMark[] found = new DocumentMark[1];
        forEachDoc(s, LuceneSchema.markKey(tenant, docId), (sf, doc) -> found[0] = LuceneSchema.toMark(sf.document(doc)));
        return Optional.ofNullable(found[0]);
    }

    /** Live mark documents: one per document the index has applied a change of (tombstones included). */
    static long markCount(IndexSearcher s) throws IOException {
        // every mark has exactly one markKey term; a replaced mark is a deleted document, which count() skips
        return s.count(new org.apache.lucene.search.TermRangeQuery(LuceneSchema.F_MARK_KEY, null, null, true, true));
    }

    private interface DocConsumer {
        void accept(StoredFields storedFields, int doc) throws IOException;
    }

    /** Visits the live documents holding {@code term}. */
    private static void forEachDoc(IndexSearcher s, Term term, DocConsumer consumer) throws IOException {
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
            LeafReader reader = ctx.reader();
            PostingsEnum postings = reader.postings(term, PostingsEnum.NONE);
            if (postings == null) {
                continue;
            }
            Bits live = reader.getLiveDocs();
            StoredFields sf = reader.storedFields();
            for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
                if (live == null || live.get(d)) {
                    consumer.accept(sf, d);
                }
            }
        }
    }
}
