package dev.freshrag.embedding;

import static dev.freshrag.embedding.Vectors.cosine;
import static dev.freshrag.embedding.Vectors.length;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.tokenizer.TokenizedText;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bge-small-en-v1.5 in process: its id and length, CLS pooling (checked against the raw ONNX output, not against
 * our own pooling code), 512-token truncation, and the query instruction on queries only.
 */
class BgeEmbedderTest {

    private static final String PASSAGE = "PEP 8 recommends four spaces per indentation level and limits lines to 79"
            + " characters, so that code stays readable side by side.";

    private static OnnxEmbedder bge;

    @BeforeAll
    static void load() {
        bge = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5)
                .withTarget(ExecutionTarget.CPU));
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    @Test
    void describesTheModelWithItsOwnIdAnd512Tokens() {
        assertEquals(new ModelInfo("bge-small-en-v1.5", 384, 512), bge.model());
    }

    @Test
    void anEmbeddingIsTheNormalisedClsHiddenStateNotTheMean() throws Exception {
        float[][] tokens = rawHiddenState(PASSAGE);
        float[] cls = normalised(tokens[0]);
        float[] mean = new float[cls.length];
        for (float[] token : tokens) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += token[d] / tokens.length;
            }
        }

        float[] embedded = bge.embed(PASSAGE);

        assertArrayEquals(cls, embedded, 1e-5f);
        assertEquals(1.0, length(embedded), 1e-5);
        // the two poolings really differ here, so the check above could tell them apart
        assertTrue(cosine(normalised(mean), embedded) < 0.99, "mean and CLS pooling agree: the check proves nothing");
    }

    @Test
    void aTextsVectorDoesNotDependOnItsBatchNeighbours() {
        float[] alone = bge.embed(PASSAGE);
        float[][] batch = bge.embed(List.of("short", PASSAGE + " " + PASSAGE + " " + PASSAGE, PASSAGE));
        assertArrayEquals(alone, batch[2], 1e-5f);
    }

    @Test
    void queriesGetTheInstructionAndPassagesDoNot() {
        String query = "how many spaces per indentation level";
        String instruction = "Represent this sentence for searching relevant passages: ";

        float[] asQuery = bge.embedQuery(query);

        assertArrayEquals(bge.embed(instruction + query), asQuery, 1e-6f);
        assertTrue(cosine(bge.embed(query), asQuery) < 0.999, "the instruction did not change the query vector");
        // embed() is what the embed-service indexes chunks with: no instruction there
        assertArrayEquals(rawClsUnitVector(PASSAGE), bge.embed(PASSAGE), 1e-5f);
    }

    @Test
    void miniLmHasNoInstructionSoItsQueriesAreEmbeddedAsTheyAre() {
        try (OnnxEmbedder minilm = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU))) {
            assertArrayEquals(minilm.embed("indentation"), minilm.embedQuery("indentation"), 0f);
        }
    }

    @Test
    void truncatesAt512TokensNot256() {
        String prefix600 = "word ".repeat(600);
        String prefix400 = "word ".repeat(400);
        String tailA = " Quantum computers factor large integers using entangled qubits.";
        String tailB = " My grandmother bakes apple pie every Sunday afternoon.";

        double beyond = cosine(bge.embed(prefix600 + tailA), bge.embed(prefix600 + tailB));
        double within = cosine(bge.embed(prefix400 + tailA), bge.embed(prefix400 + tailB));

        assertTrue(beyond > 0.99999, "tails past token 512 changed the vector: cosine " + beyond);
        assertTrue(within < 0.9999, "tails at tokens 400-415 did not change the vector: cosine " + within);
    }

    @Test
    void int8IsItsOwnModelAndCloseToFp32() {
        try (OnnxEmbedder int8 = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5)
                .withVariant(ModelVariant.INT8).withTarget(ExecutionTarget.CPU))) {
            assertEquals(new ModelInfo("bge-small-en-v1.5-q", 384, 512), int8.model());
            double agreement = cosine(int8.embed(PASSAGE), bge.embed(PASSAGE));
            assertTrue(agreement > 0.95 && agreement < 0.99999, "int8 vs fp32 cosine " + agreement);
        }
    }

    /** The graph's last_hidden_state for one text, straight from ONNX Runtime: [tokens][384]. */
    private static float[][] rawHiddenState(String text) throws IOException, OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] graph;
        try (InputStream in = BgeEmbedderTest.class.getResourceAsStream("/bge-small-en-v1.5.onnx")) {
            graph = in.readAllBytes();
        }
        TokenizedText t = bge.tokenizer().encode(text);
        long[] shape = {1, t.length()};
        try (OrtSession session = env.createSession(graph, new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(t.inputIds()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(t.attentionMask()), shape));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(t.tokenTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static float[] rawClsUnitVector(String text) {
        try {
            return normalised(rawHiddenState(text)[0]);
        } catch (IOException | OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] normalised(float[] v) {
        double norm = length(v);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
