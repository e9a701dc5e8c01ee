package dev.freshrag.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./freshrag bench embedder --target cuda}: the benchmark then runs on ONNX Runtime's CUDA build, so it is
 * built with {@code -Pgpu} (onnxruntime_gpu, 642 MB) into a classpath of its own. Before that download and build,
 * the GPU is checked: without one the command fails at once, saying so.
 */
final class CudaBench {

    private CudaBench() {
    }

    /** Whether the benchmark's arguments ask for the CUDA target ({@code --target cuda} or {@code --target=cuda}). */
    static boolean requested(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--target=cuda") || (a.equals("--target") && i + 1 < args.size() && args.get(i + 1).equals("cuda"))) {
                return true;
            }
        }
        return false;
    }

    /** Fails unless nvidia-smi lists a GPU. */
    static void requireGpu() {
        String why;
        try {
            Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                why = "nvidia-smi -L did not answer within 5 s";
            } else {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.exitValue() == 0 && out.contains("GPU")) {
                    return;
                }
                why = "nvidia-smi -L found no GPU (exit " + p.exitValue() + "): " + out.lines().findFirst().orElse("");
            }
        } catch (IOException e) {
            why = "nvidia-smi not found: no NVIDIA driver on this machine";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
        throw new CliFailure("bench embedder --target cuda needs an NVIDIA GPU: " + why
                + ". Run it on a machine with an NVIDIA GPU, its driver and the CUDA 12 + cuDNN 9 runtime (README, GPU);"
                + " --target cpu runs here");
    }
}
