package dev.freshrag.embedding;

import static dev.freshrag.embedding.Vectors.cosine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.embedding.BatchingPolicy.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The CUDA plan's padding, one runner and warm-up, run on a CPU session (the only kind here): bucketed padding must
 * not change a vector, and warm-up runs exactly the policy's shapes. A smaller budget than the GPU default keeps
 * this fast on 2 cores; the plan logic is the same.
 */
class CudaPlanOnCpuTest {

    private static final CudaOptions SMALL = new CudaOptions(0, OptionalLong.empty(),
            CudaOptions.ConvAlgoSearch.EXHAUSTIVE, CudaOptions.ArenaExtendStrategy.SAME_AS_REQUESTED, 1024, 64, 64, true);

    @Test
    void bucketedRunsGiveTheSameVectorsAsTheCpuPlan() {
        EmbedderOptions options = EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU).withCuda(SMALL);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add(("Paragraph " + i + " about rivers, bridges and the price of grain. ").repeat(1 + i % 7));
        }
        try (OnnxEmbedder cpu = OnnxEmbedder.load(options);
             OnnxEmbedder cudaPlan = OnnxEmbedder.load(options, BatchingPolicy.cuda(options))) {
            assertEquals("CPU", cpu.batching().provider());
            assertEquals("CUDA", cudaPlan.batching().provider());

            float[][] expected = cpu.embed(texts);
            float[][] actual = cudaPlan.embed(texts);

            for (int i = 0; i < texts.size(); i++) {
                double c = cosine(expected[i], actual[i]);
                assertTrue(c > 0.99999, "text " + i + ": padding to a bucket changed the vector, cosine " + c);
            }
            assertEquals(List.of(new Shape(16, 64), new Shape(8, 128), new Shape(5, 192), new Shape(4, 256)),
                    cudaPlan.warmUp());
            assertEquals(List.of(), cpu.warmUp());
        }
    }
}
