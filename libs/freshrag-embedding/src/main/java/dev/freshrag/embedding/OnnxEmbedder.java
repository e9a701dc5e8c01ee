package dev.freshrag.embedding;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizedText;

/**
 * An embedding model (all-MiniLM-L6-v2 or bge-small-en-v1.5) on ONNX Runtime: tokenize, run, the model's pooling
 * (masked mean or [CLS]), L2 normalisation.
 *
 * <p>One session is shared by all callers ({@code OrtSession.run} is thread-safe), each run on one intra-op thread:
 * parallelism comes from several Java threads running micro-batches at once, which beat ONNX Runtime's own
 * intra-op threads on small CPUs. Each call sorts its texts by token length and cuts them into micro-batches
 * padded only to their own longest member and bounded by a budget of padded tokens (so long texts go in small
 * batches, short ones in large ones): padded positions cost full compute, and on mixed-length chunks this keeps
 * the padding waste near zero. The calling thread works through the batches, longest first, together with up to
 * {@code workers - 1} helper threads of this embedder, so a single caller (the embed-service's consumer) still
 * uses every core.
 *
 * <p>How a call is cut into runs depends on where the session runs ({@link BatchingPolicy}): on CPU as above,
 * workers {@code availableProcessors / intraOpThreads}, and the system properties {@value #WORKERS_PROPERTY} and
 * {@value #BATCH_TOKENS_PROPERTY} override the worker count and the padded-token budget of one micro-batch (for
 * benchmarks; the defaults were chosen by them). On CUDA the budget is device-sized, widths are bucketed, the caller
 * alone runs the batches, and {@link #warmUp()} runs every bucketed shape once.
 */
public final class OnnxEmbedder implements Embedder {

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String LAST_HIDDEN_STATE = "last_hidden_state";

    /** System property: Java threads that run micro-batches of one call in parallel (caller included). */
    public static final String WORKERS_PROPERTY = "dev.freshrag.embedding.workers";
    /** System property: most padded tokens (rows x width) in one micro-batch. */
    public static final String BATCH_TOKENS_PROPERTY = "dev.freshrag.embedding.batch-tokens";
    /**
     * Default padded-token budget of a micro-batch: one text from 129 tokens up, 2 up to 128, ... 32 up to 8.
     * Measured on mixed-length PEP chunks (freshrag-bench, 2 cores, 1 intra-op thread per run), CPU seconds per
     * chunk fell steadily with smaller budgets, 2048: 0.077-0.084, 768: 0.054, 512: 0.049, 384: 0.047,
     * 256: 0.046, while batches of exactly one text cost 0.055: large padded batches do not run faster per token
     * on CPU, they only pad more, and a few short texts per run still amortise the per-run overhead.
     */
    public static final int DEFAULT_BATCH_TOKENS = 256;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ModelTokenizer tokenizer;
    private final ModelInfo model;
    private final String executionProvider;
    private final BatchingPolicy batching;
    private final Pooling pooling;
    private final ModelRunMeter meter = new ModelRunMeter();
    /** Put in front of search queries only ({@link #embedQuery}); empty for models trained without one. */
    private final String queryInstruction;
    private final boolean takesTokenTypeIds;
    private final int workers;
    /** Helper threads ({@code workers - 1}); null with a single worker. */
    private final ExecutorService helpers;
    /** Runs hold the read side, close() the write side: closing never frees the session under a running batch. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxEmbedder(OrtEnvironment environment, OrtSessionLoader.LoadedSession loaded,
                         ModelTokenizer tokenizer, EmbedderOptions options, BatchingPolicy batching)
            throws OrtException {
        this.environment = environment;
        this.session = loaded.session();
        this.executionProvider = loaded.executionProvider();
        this.tokenizer = tokenizer;
        this.model = new ModelInfo(options.modelId(), options.variant().dimension(), options.maxLength());
        this.batching = batching != null ? batching : BatchingPolicy.forProvider(executionProvider, options);
        this.pooling = Pooling.of(options.model());
        this.queryInstruction = options.model().queryInstruction();
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)
                || !session.getOutputNames().contains(LAST_HIDDEN_STATE)) {
            throw new IllegalStateException("Unexpected ONNX graph for " + model.id() + ": inputs " + inputs
                    + ", outputs " + session.getOutputNames());
        }
        // BERT exports usually take segment ids; feeding an input the graph does not declare is an error
        this.takesTokenTypeIds = inputs.contains(TOKEN_TYPE_IDS);
        this.workers = this.batching.workers();
        this.helpers = workers == 1 ? null : helperPool(workers - 1);
    }

    private static ExecutorService helperPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "freshrag-embedder-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Loads model and tokenizer from the classpath; nothing is downloaded. */
    public static OnnxEmbedder load(EmbedderOptions options) {
        return load(options, null);
    }

    /**
     * With a given batching policy instead of the provider's: lets a test run the CUDA plan (bucketed padding, one
     * runner, warm-up) on a CPU session, the only kind this build machine has.
     */
    static OnnxEmbedder load(EmbedderOptions options, BatchingPolicy batching) {
        Objects.requireNonNull(options, "options");
        ModelTokenizer tokenizer = ModelTokenizer.load(options.tokenizerResource(), options.maxLength());
        OrtSessionLoader.LoadedSession loaded = null;
        try {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            loaded = OrtSessionLoader.load(environment, options);
            return new OnnxEmbedder(environment, loaded, tokenizer, options, batching);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            if (loaded != null) {
                closeQuietly(loaded.session(), e);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Cannot inspect ONNX model " + options.modelId(), e);
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

    @Override
    public java.util.Optional<ModelRunTotals> runTotals() {
        return java.util.Optional.of(meter.totals());
    }

    /** How calls are cut into runs: the policy of the provider the session runs on. */
    public BatchingPolicy batching() {
        return batching;
    }

    /**
     * Runs each of the policy's warm-up shapes once (none on CPU), so that the memory arena and any per-shape
     * kernel choice are settled before the first real batch. Answers the shapes it ran.
     */
    public List<BatchingPolicy.Shape> warmUp() {
        List<BatchingPolicy.Shape> shapes = batching.warmUpShapes();
        if (shapes.isEmpty()) {
            return shapes;
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("embedder is closed");
            }
            TokenizedText sample = tokenizer.encode("warm up");
            for (BatchingPolicy.Shape shape : shapes) {
                // rows of full-width text: the token values do not matter, the shape and the mask do
                long[] ids = new long[shape.width()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = sample.inputIds()[i % sample.length()];
                }
                long[] ones = new long[shape.width()];
                Arrays.fill(ones, 1L);
                TokenizedText text = new TokenizedText(ids, ones, new long[shape.width()]);
                TokenizedText[] encoded = new TokenizedText[shape.rows()];
                int[] indexes = new int[shape.rows()];
                for (int r = 0; r < shape.rows(); r++) {
                    encoded[r] = text;
                    indexes[r] = r;
                }
                run(new BatchingPolicy.Batch(indexes, shape.width()), encoded);
            }
            return shapes;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The tokenizer this embedder truncates with; also a {@link dev.freshrag.tokenizer.TokenCounter} for chunking. */
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
            List<BatchingPolicy.Batch> batches = plan(encoded);
            float[][] vectors = new float[encoded.length][];
            if (batches.size() == 1 || helpers == null) {
                for (BatchingPolicy.Batch batch : batches) {
                    runInto(batch, encoded, vectors);
                }
                return vectors;
            }
            Work work = new Work(batches, encoded, vectors);
            int helpersWanted = Math.min(workers - 1, batches.size() - 1);
            for (int h = 0; h < helpersWanted; h++) {
                helpers.execute(work::drain);
            }
            work.drain();
            work.awaitAll();
            return vectors;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * The query with the model's query instruction in front (bge-small-en-v1.5: "Represent this sentence for
     * searching relevant passages: "), so that a short question lands near the passages that answer it; chunks are
     * embedded without it ({@link #embed(List)}), as the model was trained.
     */
    @Override
    public float[] embedQuery(String query) {
        Objects.requireNonNull(query, "query");
        return embed(queryInstruction + query);
    }

    /** The policy's runs for these texts, costliest first. */
    private List<BatchingPolicy.Batch> plan(TokenizedText[] encoded) {
        int[] lengths = new int[encoded.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = encoded[i].length();
        }
        return batching.plan(lengths);
    }

    private void runInto(BatchingPolicy.Batch batch, TokenizedText[] encoded, float[][] vectors) {
        float[][] batchVectors = run(batch, encoded);
        int[] indexes = batch.indexes();
        for (int j = 0; j < indexes.length; j++) {
            vectors[indexes[j]] = batchVectors[j];
        }
    }

    /** The micro-batches of one call, taken in order by the caller and by helpers. */
    private final class Work {
        private final List<BatchingPolicy.Batch> batches;
        private final TokenizedText[] encoded;
        private final float[][] vectors;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private int done;

        Work(List<BatchingPolicy.Batch> batches, TokenizedText[] encoded, float[][] vectors) {
            this.batches = batches;
            this.encoded = encoded;
            this.vectors = vectors;
        }

        /** Runs batches until none is left. A helper that starts after the call finished finds none. */
        void drain() {
            int i;
            while ((i = next.getAndIncrement()) < batches.size()) {
                try {
                    if (failure.get() == null) {
                        runInto(batches.get(i), encoded, vectors);
                    }
                } catch (RuntimeException | Error e) {
                    RuntimeException wrapped = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    if (!failure.compareAndSet(null, wrapped)) {
                        failure.get().addSuppressed(e);
                    }
                } finally {
                    synchronized (this) {
                        done++;
                        notifyAll();
                    }
                }
            }
        }

        /** Waits for batches still running on helpers; their writes to {@code vectors} happen-before the return. */
        void awaitAll() {
            boolean interrupted = false;
            synchronized (this) {
                while (done < batches.size()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // the session must not be closed under a running batch: finish waiting, then re-interrupt
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }
    }

    /** One ONNX run over the batch's texts, padded to its width (on CPU: the longest of them). */
    private float[][] run(BatchingPolicy.Batch batch, TokenizedText[] encoded) {
        int[] indexes = batch.indexes();
        int rows = indexes.length;
        int width = batch.width();
        int[] lengths = new int[rows];
        long realTokens = 0;
        for (int r = 0; r < rows; r++) {
            lengths[r] = encoded[indexes[r]].length();
            realTokens += lengths[r];
            if (lengths[r] > width) {
                throw new IllegalStateException("text of " + lengths[r] + " tokens in a run " + width + " wide");
            }
        }
        // zero = [PAD] id, mask 0, segment 0; texts are left-aligned, padding only at the end of a row
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        long[] types = takesTokenTypeIds ? new long[rows * width] : null;
        for (int r = 0; r < rows; r++) {
            TokenizedText text = encoded[indexes[r]];
            System.arraycopy(text.inputIds(), 0, ids, r * width, text.length());
            System.arraycopy(text.attentionMask(), 0, mask, r * width, text.length());
            if (types != null) {
                System.arraycopy(text.tokenTypeIds(), 0, types, r * width, text.length());
            }
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        long cpuAtStart = meter.threadCpu();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (types != null) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(LAST_HIDDEN_STATE))) {
                OnnxValue hidden = result.get(LAST_HIDDEN_STATE)
                        .orElseThrow(() -> new IllegalStateException("model returned no " + LAST_HIDDEN_STATE));
                if (!(hidden instanceof OnnxTensor tensor)) {
                    throw new IllegalStateException(LAST_HIDDEN_STATE + " is not a tensor");
                }
                long[] outShape = tensor.getInfo().getShape();
                if (outShape.length != 3 || outShape[0] != rows || outShape[1] != width) {
                    throw new IllegalStateException("unexpected " + LAST_HIDDEN_STATE + " shape "
                            + Arrays.toString(outShape) + " for input " + rows + " x " + width);
                }
                // one flat copy out of native memory instead of rows x width small arrays
                FloatBuffer values = tensor.getFloatBuffer();
                float[][] pooled = pooling.pool(values, rows, width, (int) outShape[2], lengths);
                meter.ran(rows, realTokens, width, cpuAtStart);
                return pooled;
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
            if (helpers != null) {
                helpers.shutdown();
            }
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
