package dev.freshrag.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.StringHelper;

/**
 * The one analysis of lexical (BM25) text, shared by both adapters so that they rank alike: English analysis
 * (standard tokenizer, possessives, lower case, English stop words, Porter stemming) with identifiers kept whole and
 * split ({@link IdentifierAwareAnalyzer}). The Lucene adapter indexes its text fields with these terms; the Qdrant
 * adapter turns the same terms into a sparse vector ({@link #documentVector}, {@link #queryVector}) that Qdrant
 * scores with its IDF modifier.
 *
 * <p>Two fields per chunk: its text, and its <em>label</em> ({@link #label}: the document's title and docId), so a
 * query that names a document ("PEP 8", a title's words) finds every chunk of it, although a chunk's own words seldom
 * repeat its document's number or title. The score is BM25 over the text plus BM25 over the label (each with its
 * own term statistics). In the sparse vectors the label's terms have ids of their own ({@link #labelTermId}), so
 * Qdrant's IDF counts them apart from the text's; the query vector carries each term once per field.
 *
 * <p>BM25 as Lucene computes it: {@code idf(t) * tf / (tf + k1 * (1 - b + b * dl / avgdl))} with
 * {@code idf(t) = ln(1 + (N - n + 0.5) / (n + 0.5))}. Qdrant's {@code Modifier.Idf} multiplies each query value by
 * that same idf, so a document value of {@code tf / (tf + k1 * (1 - b + b * dl / avgdl))} reproduces BM25. The one
 * difference: Qdrant cannot know the average length when a point is written, so {@link #AVERAGE_TERMS} stands in
 * for it (the analysed length of a typical 256-token chunk).
 */
public final class LexicalAnalysis {

    /** Thread-safe: Lucene analyzers keep per-thread token stream components. */
    public static final Analyzer ANALYZER = new IdentifierAwareAnalyzer();

    /** BM25 term-frequency saturation, Lucene's default. */
    public static final float K1 = 1.2f;
    /** BM25 length normalisation, Lucene's default. */
    public static final float B = 0.75f;
    /** Stand-in for the average analysed length of a chunk in the sparse document values (see the class comment). */
    public static final float AVERAGE_TERMS = 120f;
    /** The same stand-in for the label field: a title of a few words and a docId. */
    public static final float AVERAGE_LABEL_TERMS = 10f;
    /**
     * Most distinct terms a query is searched by (the first ones, in order of first occurrence): every term is two
     * clauses in Lucene (text and label), and Lucene refuses a query of more than 1024 clauses.
     */
    public static final int MAX_QUERY_TERMS = 256;

    private LexicalAnalysis() {
    }

    /** The analysed terms of {@code text}, in order, repeats kept; empty for null or text of stop words only. */
    public static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return terms;
        }
        try (TokenStream ts = ANALYZER.tokenStream("lexical", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                terms.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing text in memory cannot fail", e);
        }
        return terms;
    }

    /** Term to its count in {@code text}, in order of first occurrence. */
    public static Map<String, Integer> termFrequencies(String text) {
        Map<String, Integer> tf = new LinkedHashMap<>();
        for (String t : terms(text)) {
            tf.merge(t, 1, Integer::sum);
        }
        return tf;
    }

    /** Term to its count in a query's text, at most {@link #MAX_QUERY_TERMS} terms (both adapters search by these). */
    public static Map<String, Integer> queryTermFrequencies(String text) {
        Map<String, Integer> tf = termFrequencies(text);
        if (tf.size() > MAX_QUERY_TERMS) {
            tf.keySet().retainAll(List.copyOf(tf.keySet()).subList(0, MAX_QUERY_TERMS));
        }
        return tf;
    }

    /**
     * A term's id in the sparse vectors: MurmurHash3 (x86, 32 bit) of its UTF-8 bytes, read by Qdrant as an unsigned
     * 32-bit index. Two terms sharing an id (rare among the terms of one corpus) would score as one term.
     */
    public static int termId(String term) {
        byte[] utf8 = term.getBytes(StandardCharsets.UTF_8);
        return StringHelper.murmurhash3_x86_32(utf8, 0, utf8.length, 0x5EED);
    }

    /**
     * A label term's id: the id of the term behind a prefix no analysed term can start with (the tokenizer drops
     * control characters), so a label term and the same text term are two dimensions of the sparse vector.
     */
    public static int labelTermId(String term) {
        return termId("\u0000label:" + term);
    }

    /** The label of a chunk, analysed as its second lexical field: its document's title (if any) and docId. */
    public static String label(String title, String docId) {
        return title == null || title.isEmpty() ? docId : title + "\n" + docId;
    }

    /** A sparse vector: term ids (ascending as unsigned ints, no repeats) and their values. */
    public record SparseVector(int[] indices, float[] values) {
        public boolean isEmpty() {
            return indices.length == 0;
        }
    }

    /**
     * The document side: BM25's saturated, length-normalised term frequency per term of the text, and the same per
     * term of the label ({@link #label}) under the label's ids.
     */
    public static SparseVector documentVector(String text, String label) {
        Map<Integer, Float> byId = new java.util.TreeMap<>(Integer::compareUnsigned);
        add(byId, termFrequencies(text), AVERAGE_TERMS, false);
        add(byId, termFrequencies(label), AVERAGE_LABEL_TERMS, true);
        return sparse(byId);
    }

    /** The query side: each term's count in the query, once as a text term and once as a label term. */
    public static SparseVector queryVector(String text) {
        Map<Integer, Float> byId = new java.util.TreeMap<>(Integer::compareUnsigned);
        queryTermFrequencies(text).forEach((term, count) -> {
            byId.merge(termId(term), (float) count, Float::sum);
            byId.merge(labelTermId(term), (float) count, Float::sum);
        });
        return sparse(byId);
    }

    private static void add(Map<Integer, Float> byId, Map<String, Integer> tf, float averageTerms, boolean label) {
        int length = tf.values().stream().mapToInt(Integer::intValue).sum();
        float norm = K1 * (1 - B + B * length / averageTerms);
        tf.forEach((term, count) -> byId.merge(label ? labelTermId(term) : termId(term), count / (count + norm),
                Float::sum));
    }

    private static SparseVector sparse(Map<Integer, Float> byId) {
        int[] indices = new int[byId.size()];
        float[] values = new float[byId.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : byId.entrySet()) {
            indices[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return new SparseVector(indices, values);
    }
}
