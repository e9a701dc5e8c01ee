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
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.StringHelper;

/**
 * The one analysis of lexical (BM25) text, shared by both adapters so that they rank alike: Lucene's
 * {@link EnglishAnalyzer} (standard tokenizer, possessives, lower case, English stop words, Porter stemming).
 * The Lucene adapter indexes its text field with {@link #ANALYZER}; the Qdrant adapter turns the same terms into a
 * sparse vector ({@link #documentVector}, {@link #queryVector}) that Qdrant scores with its IDF modifier.
 *
 * <p>BM25 as Lucene computes it: {@code idf(t) * tf / (tf + k1 * (1 - b + b * dl / avgdl))} with
 * {@code idf(t) = ln(1 + (N - n + 0.5) / (n + 0.5))}. Qdrant's {@code Modifier.Idf} multiplies each query value by
 * that same idf, so a document value of {@code tf / (tf + k1 * (1 - b + b * dl / avgdl))} reproduces BM25. The one
 * difference: Qdrant cannot know the average length when a point is written, so {@link #AVERAGE_TERMS} stands in
 * for it (the analysed length of a typical 256-token chunk).
 */
public final class LexicalAnalysis {

    /** Thread-safe: Lucene analyzers keep per-thread token stream components. */
    public static final Analyzer ANALYZER = new EnglishAnalyzer();

    /** BM25 term-frequency saturation, Lucene's default. */
    public static final float K1 = 1.2f;
    /** BM25 length normalisation, Lucene's default. */
    public static final float B = 0.75f;
    /** Stand-in for the average analysed length of a chunk in the sparse document values (see the class comment). */
    public static final float AVERAGE_TERMS = 120f;

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

    /**
     * A term's id in the sparse vectors: MurmurHash3 (x86, 32 bit) of its UTF-8 bytes, read by Qdrant as an unsigned
     * 32-bit index. Two terms sharing an id (rare among the terms of one corpus) would score as one term.
     */
    public static int termId(String term) {
        byte[] utf8 = term.getBytes(StandardCharsets.UTF_8);
        return StringHelper.murmurhash3_x86_32(utf8, 0, utf8.length, 0x5EED);
    }

    /** A sparse vector: term ids (ascending as unsigned ints, no repeats) and their values. */
    public record SparseVector(int[] indices, float[] values) {
        public boolean isEmpty() {
            return indices.length == 0;
        }
    }

    /** The document side: BM25's saturated, length-normalised term frequency per term. */
    public static SparseVector documentVector(String text) {
        Map<String, Integer> tf = termFrequencies(text);
        int length = tf.values().stream().mapToInt(Integer::intValue).sum();
        float norm = K1 * (1 - B + B * length / AVERAGE_TERMS);
        return sparse(tf, count -> count / (count + norm));
    }

    /** The query side: each term's count in the query (Qdrant multiplies it by the term's idf). */
    public static SparseVector queryVector(String text) {
        return sparse(termFrequencies(text), count -> count);
    }

    private interface Weight {
        float of(int count);
    }

    private static SparseVector sparse(Map<String, Integer> tf, Weight weight) {
        Map<Integer, Float> byId = new java.util.TreeMap<>(Integer::compareUnsigned);
        tf.forEach((term, count) -> byId.merge(termId(term), weight.of(count), Float::sum));
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
