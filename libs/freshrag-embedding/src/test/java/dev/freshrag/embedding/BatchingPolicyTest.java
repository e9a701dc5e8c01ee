package dev.freshrag.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.embedding.BatchingPolicy.Batch;
import dev.freshrag.embedding.BatchingPolicy.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch plans of the two policies for the same texts: CPU exactly as before the policies existed, CUDA
 * different as designed (device-sized budget, bucketed widths, one runner, warm-up shapes).
 */
class BatchingPolicyTest {

    /** Token lengths like the PEP chunks: 16-256 tokens, mixed. */
    private static int[] mixedLengths(int count, long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            lengths[i] = 16 + random.nextInt(241);
        }
        return lengths;
    }

    /** The planning code of OnnxEmbedder before the policies, verbatim in logic: the CPU reference. */
    private static List<int[]> previousCpuPlan(int[] lengths, int batchTokens, int maxBatchSize) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        List<int[]> batches = new ArrayList<>();
        int from = 0;
        while (from < order.length) {
            int width = Math.max(1, lengths[order[from]]);
            int rows = Math.max(1, Math.min(maxBatchSize, batchTokens / width));
            int to = Math.min(order.length, from + rows);
            int[] batch = new int[to - from];
            for (int i = from; i < to; i++) {
                batch[i - from] = order[i];
            }
            batches.add(batch);
            from = to;
        }
        return batches;
    }

    private static int longest(int[] lengths, int[] indexes) {
        return Arrays.stream(indexes).map(i -> lengths[i]).max().orElseThrow();
    }

    @Test
    void cpuPlanIsTheOneBeforePolicies() {
        BatchingPolicy cpu = BatchingPolicy.cpu(EmbedderOptions.defaults());
        assertEquals(256, cpu.batchTokens());
        assertEquals(32, cpu.maxBatchSize());
        assertEquals(1, cpu.bucketWidth());
        for (long seed = 0; seed < 20; seed++) {
            int[] lengths = mixedLengths(64, seed);
            List<Batch> plan = cpu.plan(lengths);
            List<int[]> before = previousCpuPlan(lengths, 256, 32);
            assertEquals(before.size(), plan.size(), "runs, seed " + seed);
            for (int b = 0; b < plan.size(); b++) {
                assertArrayEquals(before.get(b), plan.get(b).indexes(), "run " + b + ", seed " + seed);
                // padded to the run's own longest text, no bucketing
                assertEquals(longest(lengths, before.get(b)), plan.get(b).width(), "width of run " + b);
            }
        }
    }

    @Test
    void cpuFiguresForAConcreteCall() {
        int[] lengths = {200, 20, 130, 8, 60, 100, 60, 9};
        List<Shape> shapes = BatchingPolicy.cpu(EmbedderOptions.defaults()).plan(lengths).stream()
                .map(Batch::shape).toList();
        // 256 / 200 = 1, 256 / 130 = 1, 256 / 100 = 2, 256 / 60 = 4 (only 4 left)
        assertEquals(List.of(new Shape(1, 200), new Shape(1, 130), new Shape(2, 100), new Shape(4, 60)), shapes);
        assertTrue(BatchingPolicy.cpu(EmbedderOptions.defaults()).warmUpShapes().isEmpty(), "CPU warms up on one text");
    }

    @Test
    void cudaPlanForTheSameCallIsOneBucketedRun() {
        int[] lengths = {200, 20, 130, 8, 60, 100, 60, 9};
        BatchingPolicy cuda = BatchingPolicy.cuda(EmbedderOptions.defaults());
        List<Batch> plan = cuda.plan(lengths);
        assertEquals(1, plan.size());
        assertEquals(new Shape(8, 224), plan.get(0).shape(), "200 tokens round up to the 224 bucket");
        assertArrayEquals(new int[] {0, 2, 5, 4, 6, 1, 7, 3}, plan.get(0).indexes(), "longest first, stable");
    }

    @Test
    void cudaPlanDiffersFromCpuAsDesigned() {
        BatchingPolicy cpu = BatchingPolicy.cpu(EmbedderOptions.defaults());
        BatchingPolicy cuda = BatchingPolicy.cuda(EmbedderOptions.defaults());
        assertEquals(16384, cuda.batchTokens());
        assertEquals(512, cuda.maxBatchSize());
        assertEquals(32, cuda.bucketWidth());
        assertEquals(1, cuda.workers(), "one runner on a GPU");

        int[] lengths = mixedLengths(480, 42);
        List<Batch> cpuPlan = cpu.plan(lengths);
        List<Batch> cudaPlan = cuda.plan(lengths);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("cpu runs", cpuPlan.size());
        figures.put("cuda runs", cudaPlan.size());
        System.out.println("batch plans for 480 mixed texts: " + figures + "; cuda shapes "
                + cudaPlan.stream().map(Batch::shape).toList());

        assertTrue(cudaPlan.size() * 20 < cpuPlan.size(), "CUDA should need far fewer runs: " + figures);
        for (Batch b : cudaPlan) {
            assertEquals(0, b.width() % 32, "bucketed width " + b.width());
            assertTrue(b.width() >= longest(lengths, b.indexes()), "no text cut");
            assertTrue(b.shape().paddedTokens() <= 16384, "within the budget: " + b.shape());
        }
        for (Batch b : cpuPlan) {
            assertTrue(b.shape().paddedTokens() <= 256 || b.indexes().length == 1, "CPU budget: " + b.shape());
        }
        // every text exactly once in either plan
        assertEquals(480, cudaPlan.stream().mapToInt(b -> b.indexes().length).sum());
        assertEquals(480, cpuPlan.stream().mapToInt(b -> b.indexes().length).sum());
        assertNotEquals(cpuPlan.stream().map(Batch::shape).toList(), cudaPlan.stream().map(Batch::shape).toList());
    }

    @Test
    void cudaWarmsUpEveryBucketAtItsLargestRun() {
        assertEquals(List.of(new Shape(512, 32), new Shape(256, 64), new Shape(170, 96), new Shape(128, 128),
                        new Shape(102, 160), new Shape(85, 192), new Shape(73, 224), new Shape(64, 256)),
                BatchingPolicy.cuda(EmbedderOptions.defaults()).warmUpShapes());
        CudaOptions noWarmUp = new CudaOptions(0, OptionalLong.empty(), CudaOptions.ConvAlgoSearch.EXHAUSTIVE,
                CudaOptions.ArenaExtendStrategy.SAME_AS_REQUESTED, 16384, 512, 32, false);
        assertTrue(BatchingPolicy.cuda(EmbedderOptions.defaults().withCuda(noWarmUp)).warmUpShapes().isEmpty());
    }

    @Test
    void cudaBucketsStopAtTheMaxLength() {
        BatchingPolicy cuda = BatchingPolicy.cuda(EmbedderOptions.defaults().withMaxLength(100));
        assertEquals(List.of(new Shape(512, 32), new Shape(256, 64), new Shape(170, 96), new Shape(163, 100)),
                cuda.warmUpShapes());
        assertEquals(100, cuda.paddedWidth(97));
    }

    @Test
    void theProviderPicksThePolicy() {
        assertEquals("CUDA", BatchingPolicy.forProvider("CUDA", EmbedderOptions.defaults()).provider());
        assertEquals("CPU", BatchingPolicy.forProvider("CPU", EmbedderOptions.defaults()).provider());
    }

    @Test
    void cudaProviderOptionsUseOnnxRuntimesNames() {
        CudaOptions o = new CudaOptions(1, OptionalLong.of(2L << 30), CudaOptions.ConvAlgoSearch.HEURISTIC,
                CudaOptions.ArenaExtendStrategy.NEXT_POWER_OF_TWO, 8192, 128, 64, true);
        assertEquals(Map.of("device_id", "1", "gpu_mem_limit", "2147483648", "arena_extend_strategy", "kNextPowerOfTwo",
                "cudnn_conv_algo_search", "HEURISTIC"), o.providerOptions());
        assertEquals(Map.of("device_id", "0", "arena_extend_strategy", "kSameAsRequested",
                "cudnn_conv_algo_search", "EXHAUSTIVE"), CudaOptions.defaults().providerOptions());
    }
}
