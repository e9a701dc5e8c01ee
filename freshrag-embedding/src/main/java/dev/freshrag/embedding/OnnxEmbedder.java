package dev.freshrag.embedding;

import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * all-MiniLM-L6-v2 on ONNX Runtime: tokenize, run, masked mean pooling, L2 normalisation.
 *
 * <p>One session is shared by all callers ({@code OrtSession.run} is thread-safe); the number of callers, not
 * intra-op threads, is the intended way to use more cores. Each call sorts its texts by token length and runs
 * them in micro-batches padded only to their own longest member: padded positions cost full compute, and on
 * mixed-length chunks sorting cuts the padding (and the CPU) substantially.
 */
public final class OnnxEmbedder implements Embedder {

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String LAST_HIDDEN_STATE = "last_hidden_state";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ModelTokenizer tokenizer;
    private final ModelInfo model;
    private final String executionProvider;
    private final int maxBatchSize;
    private final boolean takesTokenTypeIds;
    /** Runs hold the read side, close() the write side: closing never frees the session under a running batch. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxEmbedder(OrtEnvironment environment, OrtSessionLoader.LoadedSession loaded,
                         ModelTokenizer tokenizer, EmbedderOptions options) throws OrtException {
        this.environment = environment;
        this.session = loaded.session();
        this.executionProvider = loaded.executionProvider();
        this.tokenizer = tokenizer;
        this.model = new ModelInfo(options.variant().modelId(), options.variant().dimension(), options.maxLength());
        this.maxBatchSize = options.maxBatchSize();
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)
                || !session.getOutputNames().contains(LAST_HIDDEN_STATE)) {
            throw new IllegalStateException("Unexpected ONNX graph for " + model.id() + ": inputs " + inputs
                    + ", outputs " + session.getOutputNames());
        }
        // BERT exports usually take segment ids; feeding an input the graph does not declare is an error
        this.takesTokenTypeIds = inputs.contains(TOKEN_TYPE_IDS);
    }

    /** Loads model and tokenizer from the classpath; nothing is downloaded. */
    public static OnnxEmbedder load(EmbedderOptions options) {
        Objects.requireNonNull(options, "options");
        ModelTokenizer tokenizer = ModelTokenizer.load(options);
        OrtSessionLoader.LoadedSession loaded = null;
        try {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            loaded = OrtSessionLoader.load(environment, options);
            return new OnnxEmbedder(environment, loaded, tokenizer, options);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            if (loaded != null) {
                closeQuietly(loaded.session(), e);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Cannot inspect ONNX model " + options.variant().modelId(), e);
        }
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public String executionProvider() {
        return executionProvider;
    }

    /** The tokenizer this embedder truncates with; also a {@link TokenCounter} for chunking. */
    public ModelTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public float[][] embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("embedder is closed");
            }
            TokenizedText[] encoded = tokenizer.encode(texts);
            int[] byLength = IntStream.range(0, encoded.length).boxed()
                    .sorted(Comparator.comparingInt(i -> encoded[i].length()))
                    .mapToInt(Integer::intValue)
                    .toArray();
            float[][] vectors = new float[encoded.length][];
            for (int from = 0; from < byLength.length; from += maxBatchSize) {
                int[] batch = Arrays.copyOfRange(byLength, from, Math.min(from + maxBatchSize, byLength.length));
                float[][] batchVectors = run(batch, encoded);
                for (int j = 0; j < batch.length; j++) {
                    vectors[batch[j]] = batchVectors[j];
                }
            }
            return vectors;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** One ONNX run over the texts at {@code indexes}, padded to the longest of them. */
    private float[][] run(int[] indexes, TokenizedText[] encoded) {
        int rows = indexes.length;
        int width = 0;
        for (int index : indexes) {
            width = Math.max(width, encoded[index].length());
        }
        // zero = [PAD] id, mask 0, segment 0
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        long[] types = new long[rows * width];
        long[][] maskRows = new long[rows][width];
        for (int r = 0; r < rows; r++) {
            TokenizedText text = encoded[indexes[r]];
            System.arraycopy(text.inputIds(), 0, ids, r * width, text.length());
            System.arraycopy(text.attentionMask(), 0, mask, r * width, text.length());
            System.arraycopy(text.tokenTypeIds(), 0, types, r * width, text.length());
            System.arraycopy(text.attentionMask(), 0, maskRows[r], 0, text.length());
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (takesTokenTypeIds) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(LAST_HIDDEN_STATE))) {
                OnnxValue hidden = result.get(LAST_HIDDEN_STATE)
                        .orElseThrow(() -> new IllegalStateException("model returned no " + LAST_HIDDEN_STATE));
                return MeanPooling.pool((float[][][]) hidden.getValue(), maskRows);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX inference failed for a batch of " + rows + " x " + width
                    + " tokens", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Waits for running batches, then frees the session and tokenizers. The shared OrtEnvironment stays. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("Cannot close ONNX session", e);
            } finally {
                tokenizer.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(OrtSession session, Exception cause) {
        try {
            session.close();
        } catch (OrtException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
