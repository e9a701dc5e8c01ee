package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./freshrag bench embedder --target cuda} without a GPU: fails at once, before any build, saying why. */
class CudaBenchTest {

    @TempDir
    Path home;

    private static boolean gpuPresent() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            return p.waitFor() == 0 && new String(p.getInputStream().readAllBytes()).contains("GPU");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theCudaTargetWithoutAGpuFailsBeforeBuildingAnything() {
        assumeFalse(gpuPresent(), "this machine has an NVIDIA GPU: the failure this test is about cannot happen here");
        CapturedConsole c = new CapturedConsole();

        int rc = c.run(Map.of("FRESHRAG_HOME", home.toString()), home, "bench", "embedder", "--target", "cuda");

        System.out.println("[./freshrag bench embedder --target cuda here] exit " + rc + ": " + c.err().strip());
        assertEquals(1, rc);
        assertTrue(c.err().contains("bench embedder --target cuda needs an NVIDIA GPU: nvidia-smi"), c.err());
        assertTrue(c.err().contains("--target cpu runs here"), c.err());
        assertFalse(Files.exists(home.resolve("bench").resolve("java-gpu.args")), "nothing was built");
    }

    @Test
    void theTargetIsReadInBothSpellings() {
        assertTrue(CudaBench.requested(List.of("--target", "cuda")));
        assertTrue(CudaBench.requested(List.of("--runs", "3", "--target=cuda")));
        assertFalse(CudaBench.requested(List.of("--target", "cpu")));
        assertFalse(CudaBench.requested(List.of("--target")));
        assertFalse(CudaBench.requested(List.of()));
    }
}
