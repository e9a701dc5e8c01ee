package dev.freshrag.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the model's ONNX session on the requested execution target, and says where it really ended up.
 *
 * <p>One artifact serves both kinds of machine: the CPU-only onnxruntime jar (and the GPU jar without the CUDA 12
 * libraries) throws a catchable {@link OrtException} from {@code addCUDA}, so AUTO can try CUDA and fall back.
 */
final class OrtSessionLoader {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSessionLoader.class);

    /** Session plus the provider it runs on: "CUDA" or "CPU". */
    record LoadedSession(OrtSession session, String executionProvider) {
    }

    private OrtSessionLoader() {
    }

    static LoadedSession load(OrtEnvironment environment, EmbedderOptions options) {
        byte[] model = readModel(options.variant().modelResource());
        if (options.target() != ExecutionTarget.CPU) {
            try {
                return new LoadedSession(open(environment, model, options, true), "CUDA");
            } catch (OrtException e) {
                if (options.target() == ExecutionTarget.CUDA) {
                    throw new IllegalStateException("CUDA execution was required but is unavailable: "
                            + e.getMessage(), e);
                }
                LOG.warn("CUDA unavailable, running {} on CPU: {}", options.variant().modelId(), e.getMessage());
            }
        }
        try {
            return new LoadedSession(open(environment, model, options, false), "CPU");
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot open ONNX model " + options.variant().modelResource(), e);
        }
    }

    private static OrtSession open(OrtEnvironment environment, byte[] model, EmbedderOptions options, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            // parallelism across requests comes from callers sharing the session, not from inter-op threads
            sessionOptions.setInterOpNumThreads(1);
            if (cuda) {
                sessionOptions.addCUDA(0);
            }
            return environment.createSession(model, sessionOptions);
        }
    }

    private static byte[] readModel(String resource) {
        // read into memory: the session copies the graph and its weights anyway, and no temp file is left behind
        try (InputStream in = OrtSessionLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Model resource " + resource
                        + " not on the classpath (is the langchain4j model jar a dependency?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model resource " + resource, e);
        }
    }
}
