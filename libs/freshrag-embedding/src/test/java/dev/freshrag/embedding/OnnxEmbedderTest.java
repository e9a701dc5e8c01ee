package dev.freshrag.embedding;

import static dev.freshrag.embedding.Vectors.cosine;
import static dev.freshrag.embedding.Vectors.length;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;


import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only the in-process embedder has: its model id and length, the CUDA fallback, truncation at 256 tokens, the
 * token counter, the int8 variant. What every embedder must do (vectors, dimensions, order, errors, empty input,
 * concurrent callers) is EmbedderContract in testing/freshrag-embedding-testkit, which runs it against this
 * embedder (OnnxEmbedderContractTest) and against the remote backends with their protocol test servers.
 */
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
    void countsWhatItsModelRuns() {
        ModelRunTotals before = embedder.runTotals().orElseThrow();
        java.util.List<String> texts = java.util.List.of(prose(10, 1), prose(40, 2), prose(120, 3));
        embedder.embed(texts);
        ModelRunTotals ran = embedder.runTotals().orElseThrow().since(before);
        long tokens = texts.stream().mapToLong(t -> embedder.tokenizer().encode(t).length()).sum();
        assertEquals(3, ran.texts());
        assertEquals(tokens, ran.tokens());
        // the two longer texts share a run (256 padded tokens), padded to the longer one; the short one runs alone
        assertEquals(2, ran.runs());
        int longest = embedder.tokenizer().encode(texts.get(2)).length();
        int shortest = embedder.tokenizer().encode(texts.get(0)).length();
        assertEquals(2L * longest + shortest, ran.paddedTokens());
        assertTrue(ran.paddingShare() > 0, "padding share " + ran.paddingShare());
        assertTrue(ran.cpuNanos() > 0, "CPU inside the model: " + ran.cpuNanos());
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
