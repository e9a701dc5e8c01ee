package dev.freshrag.embedding;

import static dev.freshrag.embedding.Vectors.cosine;
import static dev.freshrag.embedding.Vectors.length;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

    private static final String[] WORDS = ("the river carried small boats past old stone houses while children "
            + "watched from the bridge and merchants argued about the price of grain in the market square").split(" ");

    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(EmbedderOptions.defaults());
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    /** Deterministic prose of roughly {@code words} tokens (all words are single vocab tokens). */
    private static String prose(int words, int seed) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(WORDS[(i * 7 + seed) % WORDS.length]).append(' ');
        }
        return text.toString().trim();
    }

    @Test
    void describesTheModel() {
        assertEquals(new ModelInfo("all-minilm-l6-v2", 384, 256), embedder.model());
    }

    @Test
    void reportsCpuWhenThisOnnxRuntimeHasNoCuda() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "CUDA provider present: this test is about the CPU fallback");

        assertEquals("CPU", embedder.executionProvider());
    }

    @Test
    void requiredCudaFailsWhenUnavailable() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "CUDA provider present: nothing to fail");

        assertThrows(IllegalStateException.class,
                () -> OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CUDA)));
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
    void sameTextAloneOrInMixedBatchGivesSameVector() {
        // 40 texts of 1..~230 tokens: more than one micro-batch of 32, every batch padded
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(prose(1 + (i * 37) % 230, i));
        }

        float[][] batched = embedder.embed(texts);

        for (int i = 0; i < texts.size(); i++) {
            double similarity = cosine(embedder.embed(texts.get(i)), batched[i]);
            assertTrue(similarity > 0.9999, "text " + i + ": cosine " + similarity);
        }
    }

    @Test
    void preservesInputOrder() {
        // longest first: sorting by length inside embed() must not leak into the output order
        String longest = prose(200, 1);
        String shortest = "A cat sleeps.";
        String middle = "Stock markets fell sharply after the central bank raised interest rates.";

        float[][] vectors = embedder.embed(List.of(longest, shortest, middle));

        assertTrue(cosine(vectors[0], embedder.embed(longest)) > 0.9999);
        assertTrue(cosine(vectors[1], embedder.embed(shortest)) > 0.9999);
        assertTrue(cosine(vectors[2], embedder.embed(middle)) > 0.9999);
        assertTrue(cosine(vectors[1], embedder.embed(middle)) < 0.9);
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
        assertTrue(guitars > cosine(v[1], v[3]) + 0.3);
        assertTrue(passwords > cosine(v[3], v[2]) + 0.3, "password pair " + passwords);
        assertTrue(passwords > cosine(v[4], v[0]) + 0.3);
    }

    @Test
    void truncatesAt256TokensNot128() {
        String prefix300 = prose(300, 5);
        String prefix150 = prose(150, 5);
        assertTrue(embedder.tokenizer().countTokens(prefix300) > 256);
        String tailA = " Quantum computers factor large integers using entangled qubits.";
        String tailB = " My grandmother bakes apple pie every Sunday afternoon.";

        // beyond token 256 differences are cut off, without error ...
        double beyond = cosine(embedder.embed(prefix300 + tailA), embedder.embed(prefix300 + tailB));
        // ... but between 128 and 256 they still count
        double within = cosine(embedder.embed(prefix150 + tailA), embedder.embed(prefix150 + tailB));

        assertTrue(beyond > 0.99999, "tails past token 256 changed the vector: cosine " + beyond);
        assertTrue(within < 0.999, "tails at tokens 150-165 did not change the vector: cosine " + within);
    }

    @Test
    void countsTokensExactlyWithoutTruncation() {
        assertEquals(4, embedder.tokenizer().countTokens("hello world"));
        assertTrue(embedder.tokenizer().countTokens(prose(1000, 0)) > 256);
    }

    @Test
    void concurrentCallersShareTheSession() throws Exception {
        List<String> texts = List.of(prose(50, 1), prose(10, 2), prose(180, 3), "short one");
        float[][] expected = embedder.embed(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> embedder.embed(texts)));
            }
            for (Future<float[][]> result : results) {
                float[][] actual = result.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertTrue(cosine(expected[i], actual[i]) > 0.9999);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedEmbedderRefusesWork() {
        OnnxEmbedder other = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
        assertEquals("CPU", other.executionProvider());
        other.close();
        other.close(); // idempotent

        assertThrows(IllegalStateException.class, () -> other.embed("hello"));
    }

    @Test
    void int8VariantIsItsOwnModelAndCloseToFp32() {
        String text = "The quick brown fox jumps over the lazy dog.";
        try (OnnxEmbedder int8 = OnnxEmbedder.load(EmbedderOptions.defaults().withVariant(ModelVariant.INT8))) {
            assertEquals(new ModelInfo("all-minilm-l6-v2-q", 384, 256), int8.model());

            float[] v = int8.embed(text);

            assertEquals(384, v.length);
            assertEquals(1.0, length(v), 1e-5);
            double agreement = cosine(v, embedder.embed(text));
            assertTrue(agreement > 0.95 && agreement < 0.99999, "int8 vs fp32 cosine " + agreement);
        }
    }
}
