package dev.freshrag.testkit.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.EmbeddingRejectedException;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link Embedder} must do, whatever runs the model: the in-process ONNX embedder and the remote
 * backends against their protocol servers run these same tests. Vectors are compared with the in-process
 * all-MiniLM-L6-v2 (fp32, CPU) component by component: a backend that serves this model must give the same numbers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EmbedderContract {

    private static final String[] WORDS = ("the river carried small boats past old stone houses while children "
            + "watched from the bridge and merchants argued about the price of grain in the market square").split(" ");

    /** Largest difference of any vector component from the in-process model's. */
    public static final double TOLERANCE = 1e-5;

    private Embedder embedder;
    private OnnxEmbedder reference;

    /** The embedder under test, ready to use; closed by the contract after the class. */
    protected abstract Embedder open();

    /** The model id the embedder must report (the index fingerprint). */
    protected abstract String expectedModelId();

    /**
     * Whether a text longer than the model's max length (256 tokens for MiniLM) is truncated (ONNX, TEI with {@code truncate}) or
     * refused as an input error (OpenAI-compatible servers, which have no truncation in the API).
     */
    protected abstract boolean truncatesLongTexts();

    /**
     * The in-process model the embedder's vectors must equal: all-MiniLM-L6-v2 fp32, which the remote test servers
     * serve; a contract test of another model names that model here.
     */
    protected EmbedderOptions referenceOptions() {
        return EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU);
    }

    @BeforeAll
    void openEmbedders() {
        reference = OnnxEmbedder.load(referenceOptions());
        embedder = open();
    }

    @AfterAll
    void closeEmbedders() {
        if (embedder != null) {
            embedder.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    protected Embedder embedder() {
        return embedder;
    }

    /** Deterministic prose of roughly {@code words} tokens (all words are single vocabulary tokens). */
    public static String prose(int words, int seed) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(WORDS[(i * 7 + seed) % WORDS.length]).append(' ');
        }
        return text.toString().trim();
    }

    /** 40 texts of 1 to about 230 tokens: several batches in every backend, every one padded. */
    public static List<String> mixedTexts() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(prose(1 + (i * 37) % 230, i));
        }
        texts.add("");
        texts.add("Ünïcödé ✓ 日本語のテキスト");
        return texts;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double length(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    /** Fails naming the text and component where {@code actual} leaves the tolerance around {@code expected}. */
    public static void assertSameVectors(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length, "number of vectors");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, "dimension of vector " + i);
            for (int d = 0; d < expected[i].length; d++) {
                double diff = Math.abs(expected[i][d] - actual[i][d]);
                if (diff > TOLERANCE) {
                    throw new AssertionError("vector " + i + " component " + d + ": " + actual[i][d] + " vs "
                            + expected[i][d] + " (|diff| " + diff + " > " + TOLERANCE + ")");
                }
            }
        }
    }

    @Test
    void describesTheModelItServes() {
        assertEquals(expectedModelId(), embedder.model().id());
        assertEquals(384, embedder.model().dimension());
        assertEquals(384, embedder.embed("hello").length);
    }

    @Test
    void vectorsEqualTheInProcessModelsWithinTolerance() {
        List<String> texts = mixedTexts();

        assertSameVectors(reference.embed(texts), embedder.embed(texts));
    }

    @Test
    void vectorsAreUnitLengthWith384Dimensions() {
        float[][] vectors = embedder.embed(List.of("hello world", "", prose(120, 3), "Ünïcödé ✓ 日本語のテキスト"));

        assertEquals(4, vectors.length);
        for (float[] v : vectors) {
            assertEquals(384, v.length);
            assertEquals(1.0, length(v), 1e-5);
        }
        assertEquals(1.0, length(embedder.embed("")), 1e-5);
    }

    @Test
    void emptyListGivesEmptyArray() {
        assertEquals(0, embedder.embed(List.of()).length);
    }

    @Test
    void nullListIsRefused() {
        assertThrows(NullPointerException.class, () -> embedder.embed((List<String>) null));
    }

    @Test
    void sameTextAloneOrInMixedBatchGivesSameVector() {
        List<String> texts = mixedTexts();

        float[][] batched = embedder.embed(texts);

        for (int i = 0; i < texts.size(); i++) {
            double similarity = cosine(embedder.embed(texts.get(i)), batched[i]);
            assertTrue(similarity > 0.9999, "text " + i + ": cosine " + similarity);
        }
    }

    @Test
    void preservesInputOrder() {
        String longest = prose(200, 1);
        String shortest = "A cat sleeps.";
        String middle = "Stock markets fell sharply after the central bank raised interest rates.";

        float[][] vectors = embedder.embed(List.of(longest, shortest, middle));

        assertSameVectors(reference.embed(List.of(longest, shortest, middle)), vectors);
        assertTrue(cosine(vectors[1], reference.embed(middle)) < 0.9);
    }

    @Test
    void closeSentencesScoreHigherThanUnrelatedOnes() {
        float[][] v = embedder.embed(List.of(
                "A man is playing a guitar.",
                "Someone is strumming an acoustic guitar.",
                "The central bank raised interest rates again.",
                "How do I reset my password?",
                "I forgot my login credentials and cannot sign in."));

        double guitars = cosine(v[0], v[1]);
        double passwords = cosine(v[3], v[4]);
        assertTrue(guitars > cosine(v[0], v[2]) + 0.3, "guitar pair " + guitars + " vs " + cosine(v[0], v[2]));
        assertTrue(passwords > cosine(v[3], v[2]) + 0.3, "password pair " + passwords);
    }

    @Test
    void textsLongerThanTheModelAreTruncatedOrRejectedAsInputErrors() {
        // 300 words for MiniLM's 256 tokens, 556 for bge's 512
        int maxTokens = reference.model().maxTokens();
        String tooLong = prose(maxTokens + 44, 5) + " Quantum computers factor large integers using entangled qubits.";
        assertTrue(reference.tokenizer().countTokens(tooLong) > maxTokens);

        if (truncatesLongTexts()) {
            assertSameVectors(new float[][] {reference.embed(tooLong)}, new float[][] {embedder.embed(tooLong)});
        } else {
            // deterministic: the embed-service dead-letters the record instead of retrying it forever
            assertThrows(EmbeddingRejectedException.class, () -> embedder.embed(List.of("short", tooLong)));
        }
    }

    @Test
    void concurrentCallersShareTheEmbedder() throws Exception {
        List<String> texts = List.of(prose(50, 1), prose(10, 2), prose(180, 3), "short one");
        float[][] expected = reference.embed(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> embedder.embed(texts)));
            }
            for (Future<float[][]> result : results) {
                assertSameVectors(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedEmbedderRefusesWork() {
        Embedder other = open();
        other.close();
        other.close(); // idempotent

        assertThrows(IllegalStateException.class, () -> other.embed("hello"));
    }
}
