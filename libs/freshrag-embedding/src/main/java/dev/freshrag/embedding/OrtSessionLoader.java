package dev.freshrag.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the model's ONNX session on the requested execution target, and says where it really ended up.
 *
 * <p>One artifact serves both kinds of machine: the CPU-only onnxruntime jar (and the GPU jar without the CUDA 12
 * libraries) throws a catchable {@link OrtException} from {@code addCUDA}, so AUTO can try CUDA and fall back.
 *
 * <p>On CUDA the provider gets {@link CudaOptions#providerOptions()} (device, arena limit and growth, cuDNN search).
 * What the Java API (1.29) does not offer, and so is not used: I/O binding (there is no {@code IoBinding} class in
 * the Java binding; inputs are host tensors that ONNX Runtime copies to the device in each {@code run}) and pinned
 * (page-locked) host buffers (tensors are made from JVM direct buffers, ordinary pageable memory; no CUDA host
 * allocator is exposed). Per run of 16384 tokens that is 384 KiB in (int64 ids, mask, segments) and the hidden
 * states out (16384 x 384 floats, 24 MiB, pooled on the host): a fixed cost per token that larger runs do not
 * grow, while the launch overhead they amortise is per run.
 */
final class OrtSessionLoader {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSessionLoader.class);

    /** Session plus the provider it runs on: "CUDA" or "CPU". */
    record LoadedSession(OrtSession session, String executionProvider) {
    }

    private OrtSessionLoader() {
    }

    static LoadedSession load(OrtEnvironment environment, EmbedderOptions options) {
        byte[] model = readModel(options.modelResource());
        if (options.target() != ExecutionTarget.CPU) {
            try {
                return new LoadedSession(open(environment, model, options, true), "CUDA");
            } catch (OrtException e) {
                if (options.target() == ExecutionTarget.CUDA) {
                    throw new IllegalStateException("CUDA execution was required but is unavailable: "
                            + e.getMessage(), e);
                }
                LOG.warn("CUDA unavailable, running {} on CPU: {}", options.modelId(), e.getMessage());
            }
        }
        try {
            return new LoadedSession(open(environment, model, options, false), "CPU");
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot open ONNX model " + options.modelResource(), e);
        }
    }

    private static OrtSession open(OrtEnvironment environment, byte[] model, EmbedderOptions options, boolean cuda)
            throws OrtException {
        // the provider options stay open until the session exists: it is created from them
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
             OrtCUDAProviderOptions provider = cuda ? new OrtCUDAProviderOptions(options.cuda().deviceId()) : null) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            // parallelism across requests comes from callers sharing the session, not from inter-op threads
            sessionOptions.setInterOpNumThreads(1);
            if (provider != null) {
                for (Map.Entry<String, String> option : options.cuda().providerOptions().entrySet()) {
                    provider.add(option.getKey(), option.getValue());
                }
                sessionOptions.addCUDA(provider);
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
