package dev.freshrag.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.freshrag.embedding.BatchingPolicy;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionProviders;
import org.junit.jupiter.api.Test;

/** {@code bench embedder --target cuda}: fails fast and says why where CUDA cannot run; its GPU and plan figures. */
class CudaTargetTest {

    private static final NvidiaSmi.Result ONE_GPU = new NvidiaSmi.Result(
            List.of(new NvidiaSmi.Sample(0, "NVIDIA A10G", 512, 23028, 0)), null);

    @Test
    void onThisCpuBuildTheCudaTargetFailsFastNamingTheMissingProvider() throws Exception {
        assumeFalse(ExecutionProviders.cudaBuild(),
                "this ONNX Runtime build has the CUDA provider: the failure this test is about cannot happen here");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();

        int rc = EmbedderBench.run(new String[] {"--target", "cuda"}, new PrintStream(err, true, StandardCharsets.UTF_8));

        String message = err.toString(StandardCharsets.UTF_8);
        System.out.println("[bench --target cuda here] exit " + rc + ": " + message.strip());
        assertEquals(2, rc);
        assertTrue(message.contains("--target cuda cannot run on this machine: no CUDA execution provider in this ONNX Runtime build"),
                message);
        assertTrue(message.contains("FRESHRAG_MAVEN_ARGS=-Pgpu"), "says how to get the CUDA build: " + message);
        // fast: nothing loaded (no model, no PEP stream); a generous liveness bound only
        assertTrue((System.nanoTime() - start) / 1e9 < 30, "the check loads nothing");
    }

    @Test
    void anUnknownTargetIsRefused() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, EmbedderBench.run(new String[] {"--target", "tpu"}, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown --target tpu (cpu or cuda)"));
    }

    @Test
    void eachMissingPieceIsNamed() {
        String noGpu = CudaPreflight.check(Set.of("CPU", "CUDA"),
                new NvidiaSmi.Result(List.of(), "nvidia-smi not found (error=2): no NVIDIA driver on this machine")).orElseThrow();
        assertTrue(noGpu.contains("no NVIDIA GPU: nvidia-smi not found") && !noGpu.contains("no CUDA execution provider"), noGpu);

        String noProvider = CudaPreflight.check(Set.of("CPU"), ONE_GPU).orElseThrow();
        assertTrue(noProvider.contains("no CUDA execution provider") && !noProvider.contains("no NVIDIA GPU"), noProvider);

        assertTrue(CudaPreflight.check(Set.of("CPU", "CUDA"), ONE_GPU).isEmpty());
    }

    @Test
    void nvidiaSmiCsvIsRead() {
        List<NvidiaSmi.Sample> s = NvidiaSmi.parse("0, NVIDIA A10G, 1234, 23028, 87\n1, Tesla T4, 0, 15360, [N/A]\n");
        assertEquals(List.of(new NvidiaSmi.Sample(0, "NVIDIA A10G", 1234, 23028, 87),
                new NvidiaSmi.Sample(1, "Tesla T4", 0, 15360, -1)), s);
        assertThrows(IllegalArgumentException.class, () -> NvidiaSmi.parse("0, NVIDIA A10G, 1234"));
    }

    @Test
    void planSummaryCountsRunsPaddingAndWidths() {
        int[] lengths = {200, 20, 130, 8, 60, 100, 60, 9};
        CudaEmbedderBench.PlanSummary cpu = CudaEmbedderBench.PlanSummary.of(BatchingPolicy.cpu(EmbedderOptions.defaults()), lengths, 64);
        CudaEmbedderBench.PlanSummary cuda = CudaEmbedderBench.PlanSummary.of(BatchingPolicy.cuda(EmbedderOptions.defaults()), lengths, 64);
        assertEquals(4, cpu.runs(), "1x200, 1x130, 2x100, 4x60: " + cpu.shapes());
        assertEquals(1, cuda.runs());
        assertEquals(587, cuda.realTokens());
        assertEquals(8 * 224, cuda.paddedTokens());
        assertEquals(Map.of("x224", 8), cuda.shapes());
        assertFalse(cpu.widths().isEmpty());
    }
}
