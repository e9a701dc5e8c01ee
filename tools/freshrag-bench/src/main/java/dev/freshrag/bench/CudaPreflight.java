package dev.freshrag.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.freshrag.embedding.ExecutionProviders;

/**
 * Before {@code bench embedder --target cuda} loads anything: is there a CUDA execution provider in this ONNX
 * Runtime build, and a GPU the driver sees? Either missing is a clear failure naming the fix, not a silent CPU run.
 */
final class CudaPreflight {

    private CudaPreflight() {
    }

    /** Why CUDA cannot run here, or empty when both the provider and a GPU are present. */
    static Optional<String> check() {
        return check(ExecutionProviders.available(), NvidiaSmi.query());
    }

    /** {@code providers}: ONNX Runtime's names ({@code CPU}, {@code CUDA}, ...). */
    static Optional<String> check(Set<String> providers, NvidiaSmi.Result gpus) {
        List<String> missing = new ArrayList<>();
        if (!providers.contains("CUDA")) {
            missing.add("no CUDA execution provider in this ONNX Runtime build (providers " + providers
                    + "): the bench was built on com.microsoft.onnxruntime:onnxruntime, the CPU build; build it on"
                    + " onnxruntime_gpu with FRESHRAG_MAVEN_ARGS=-Pgpu");
        }
        if (!gpus.ok()) {
            missing.add("no NVIDIA GPU: " + gpus.failure());
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("--target cuda cannot run on this machine: " + String.join("; and ", missing)
                + ". See README, GPU: it needs an NVIDIA GPU with its driver, the CUDA 12 and cuDNN 9 runtime libraries,"
                + " and FRESHRAG_MAVEN_ARGS=-Pgpu ./freshrag bench embedder --target cuda");
    }
}
