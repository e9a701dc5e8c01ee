package dev.freshrag.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.freshrag.tokenizer.EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Quality gate on real data: the Spearman correlation between our cosine similarities and the human scores of the
 * STS benchmark test set. It catches what unit tests cannot: a wrong pooling, a tokenizer truncating at 128, a
 * mismatched vocabulary. Published all-MiniLM-L6-v2 results are about 0.82; bge-small-en-v1.5's published
 * STSBenchmark figure (MTEB, the model card's table: 85.86 cosine Spearman x 100) is 0.8586.
 */
@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
class StsBenchmarkCheck {

    private static final String SHARED_DIR_PROPERTY = "shared.data.dir";
    private static final int EXPECTED_PAIRS = 1379;

    private record Pair(double score, String first, String second) {
    }

    @Test
    void fp32CorrelatesWithHumanJudgement() throws IOException {
        double spearman = measure(ModelVariant.FP32, "fp32");
        assertTrue(spearman >= 0.815, "fp32 Spearman " + spearman + " below 0.815");
    }

    @Test
    void int8CorrelatesWithHumanJudgement() throws IOException {
        double spearman = measure(ModelVariant.INT8, "int8");
        assertTrue(spearman >= 0.81, "int8 Spearman " + spearman + " below 0.81");
    }

    @Test
    void bgeFp32ReachesItsPublishedFigure() throws IOException {
        double spearman = measure(EmbeddingModel.BGE_SMALL_EN_V1_5, ModelVariant.FP32, "fp32");
        // 0.8586 published; 0.005 of slack for the ONNX export and float differences, as for MiniLM above
        assertTrue(spearman >= 0.8536, "bge fp32 Spearman " + spearman + " below 0.8536 (published 0.8586)");
    }

    @Test
    void bgeInt8StaysNearItsPublishedFigure() throws IOException {
        double spearman = measure(EmbeddingModel.BGE_SMALL_EN_V1_5, ModelVariant.INT8, "int8");
        // measured here 0.8570 (fp32 0.8586, the published figure to the fourth digit)
        assertTrue(spearman >= 0.852, "bge int8 Spearman " + spearman + " below 0.852 (fp32 published 0.8586)");
    }

    private static double measure(ModelVariant variant, String label) throws IOException {
        return measure(EmbeddingModel.ALL_MINILM_L6_V2, variant, label);
    }

    private static double measure(EmbeddingModel model, ModelVariant variant, String label) throws IOException {
        List<Pair> pairs = readTestSet();
        List<String> sentences = new ArrayList<>(pairs.size() * 2);
        for (Pair pair : pairs) {
            sentences.add(pair.first());
            sentences.add(pair.second());
        }
        EmbedderOptions options = EmbedderOptions.defaults().withModel(model).withVariant(variant)
                .withTarget(ExecutionTarget.CPU);
        float[][] vectors;
        try (OnnxEmbedder embedder = OnnxEmbedder.load(options)) {
            vectors = embedder.embed(sentences);
        }
        double[] cosines = new double[pairs.size()];
        double[] human = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            cosines[i] = Vectors.cosine(vectors[2 * i], vectors[2 * i + 1]);
            human[i] = pairs.get(i).score();
        }
        double spearman = SpearmanCorrelation.of(cosines, human);
        System.out.printf(Locale.ROOT, "STS-benchmark Spearman (%s, %s, max length %d): %.4f over %d pairs%n",
                options.modelId(), label, options.maxLength(), spearman, pairs.size());
        return spearman;
    }

    private static List<Pair> readTestSet() throws IOException {
        String sharedDir = System.getProperty(SHARED_DIR_PROPERTY);
        assumeTrue(sharedDir != null && !sharedDir.isBlank(),
                "STS benchmark skipped: system property " + SHARED_DIR_PROPERTY + " is not set");
        Path file = Path.of(sharedDir, "data", "stsbenchmark", "sts-test.csv");
        assumeTrue(Files.isRegularFile(file), "STS benchmark skipped: " + file + " not found");

        List<Pair> pairs = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            // genre, file, year, id, score, sentence1, sentence2 [, source fields some lines carry];
            // no CSV quoting: sentences contain quote characters but never tabs
            String[] fields = line.split("\t", -1);
            if (fields.length < 7) {
                throw new IllegalStateException(file + ":" + (n + 1) + " has " + fields.length + " fields");
            }
            pairs.add(new Pair(Double.parseDouble(fields[4]), fields[5], fields[6]));
        }
        // the whole test set, or the number is not comparable with published results
        assertEquals(EXPECTED_PAIRS, pairs.size(), "pairs in " + file);
        return pairs;
    }
}
