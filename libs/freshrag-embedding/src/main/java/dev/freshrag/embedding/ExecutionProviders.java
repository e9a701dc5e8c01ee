package dev.freshrag.embedding;

import java.util.Set;
import java.util.TreeSet;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

/**
 * The execution providers compiled into the ONNX Runtime build on the classpath ({@code onnxruntime}: CPU;
 * {@code onnxruntime_gpu}: also CUDA), for tools that check before loading a model. A provider listed here may
 * still fail to start (no GPU, no CUDA libraries): only opening a session tells.
 */
public final class ExecutionProviders {

    private ExecutionProviders() {
    }

    /** Provider names as ONNX Runtime's Java API spells them, e.g. {@code [CPU]} or {@code [CPU, CUDA]}. */
    public static Set<String> available() {
        Set<String> names = new TreeSet<>();
        for (OrtProvider p : OrtEnvironment.getAvailableProviders()) {
            names.add(p.name());
        }
        return names;
    }

    /** Whether this build has the CUDA provider. */
    public static boolean cudaBuild() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }
}
