package dev.freshrag.embedding.remote;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderUnavailableException;
import dev.freshrag.embedding.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Embedder} whose model runs on an embedding server (TEI, vLLM, Ollama, OpenAI). Each call is cut into
 * requests of at most {@code batchTokens} estimated tokens and {@code maxBatchSize} texts, in input order; the
 * requests run on a pool of {@code maxConcurrency} threads shared by all callers, so the server never sees more
 * than that many requests from this process. Vectors are scaled to unit length here, whatever the server did, so
 * that a dot product stays a cosine as with the in-process embedder.
 *
 * <p>Tokens are estimated from characters (one per {@value #CHARS_PER_TOKEN} characters, plus the two special
 * tokens): the client does not have the server's tokenizer, and over-estimating only makes requests smaller.
 */
public final class RemoteEmbedder implements Embedder {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteEmbedder.class);

    /** English WordPiece and BPE average 4-5 characters a token; 3 keeps requests under the budget for code too. */
    static final int CHARS_PER_TOKEN = 3;

    private final EmbeddingProtocol protocol;
    private final RemoteOptions options;
    private final EmbeddingServerClient client;
    private final ExecutorService requests;
    private volatile boolean closed;
    private volatile ModelInfo model;
    private volatile int maxBatchSize;

    private RemoteEmbedder(EmbeddingProtocol protocol, RemoteOptions options) {
        this.protocol = protocol;
        this.options = options;
        this.client = new EmbeddingServerClient(options, protocol::errorMessage, () -> closed);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(options.maxConcurrency(), options.maxConcurrency(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "freshrag-remote-embedder-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.requests = pool;
    }

    /** A TEI server ({@code /info}, {@code /embed}); checks its model and dimension before returning. */
    public static RemoteEmbedder tei(RemoteOptions options) {
        return connect(new TeiProtocol(), options);
    }

    /** An OpenAI-compatible server ({@code /v1/embeddings}); {@code options.model()} is required. */
    public static RemoteEmbedder openAi(RemoteOptions options) {
        String model = options.model().filter(m -> !m.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "freshrag.embedding.remote.model is required with backend openai: the API names the model in every request"));
        return connect(new OpenAiProtocol(model), options);
    }

    private static RemoteEmbedder connect(EmbeddingProtocol protocol, RemoteOptions options) {
        RemoteEmbedder embedder = new RemoteEmbedder(protocol, options);
        try {
            embedder.checkServer();
            return embedder;
        } catch (RuntimeException e) {
            embedder.close();
            if (e instanceof IllegalStateException) {
                throw e;
            }
            throw new IllegalStateException("cannot use the " + protocol.name() + " embedding server at "
                    + options.url() + ": " + e.getMessage(), e);
        }
    }

    /** The start check: which model, what limits, and the dimension of a real vector. */
    private void checkServer() {
        EmbeddingProtocol.ServerModel served = protocol.describe(client, options);
        this.maxBatchSize = Math.min(options.maxBatchSize(), served.maxBatchSize());
        float[] probe = request(List.of("dimension probe"))[0];
        options.expectedDimension().ifPresent(d -> {
            if (d != probe.length) {
                throw new IllegalStateException("freshrag.embedding.remote.dimension is " + d + " but the "
                        + protocol.name() + " server at " + options.url() + " returns vectors of " + probe.length
                        + " for model '" + served.modelId() + "'");
            }
        });
        this.model = new ModelInfo(served.modelId(), probe.length, served.maxInputTokens());
        LOG.info("embedding model {} ({} dims) on the {} server at {}: requests of <= {} texts / ~{} tokens, {} at once",
                model.id(), model.dimension(), protocol.name(), options.url(), maxBatchSize, options.batchTokens(),
                options.maxConcurrency());
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    /** {@code REMOTE:tei} or {@code REMOTE:openai}: the model runs elsewhere, on whatever that server has. */
    @Override
    public String executionProvider() {
        return "REMOTE:" + protocol.name();
    }

    @Override
    public float[][] embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (closed) {
            throw new IllegalStateException("embedder is closed");
        }
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<int[]> batches = plan(texts);
        float[][] vectors = new float[texts.size()][];
        List<Future<float[][]>> running = new ArrayList<>(batches.size());
        for (int[] range : batches) {
            List<String> part = texts.subList(range[0], range[1]);
            running.add(requests.submit(() -> request(part)));
        }
        try {
            for (int b = 0; b < batches.size(); b++) {
                float[][] part = running.get(b).get();
                System.arraycopy(part, 0, vectors, batches.get(b)[0], part.length);
            }
            return vectors;
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new EmbedderUnavailableException("embedding request failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new EmbedderUnavailableException("interrupted while waiting for the embedding server", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("embedder is closed", e);
        }
    }

    /** The requests a call makes: consecutive ranges [from, to) of the input, each within the token budget and the batch size. */
    public List<int[]> plan(List<String> texts) {
        List<int[]> batches = new ArrayList<>();
        int from = 0;
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            int t = estimateTokens(texts.get(i));
            if (i > from && (tokens + t > options.batchTokens() || i - from >= maxBatchSize)) {
                batches.add(new int[] {from, i});
                from = i;
                tokens = 0;
            }
            tokens += t;
        }
        batches.add(new int[] {from, texts.size()});
        return batches;
    }

    static int estimateTokens(String text) {
        return 2 + (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private float[][] request(List<String> texts) {
        byte[] answer = client.post(protocol.embedPath(), protocol.request(texts));
        float[][] vectors;
        try {
            vectors = protocol.vectors(answer, texts.size());
        } catch (IllegalStateException e) {
            // a malformed answer is the server's fault (a proxy, a half-written body): retried, never the texts'
            throw new EmbedderUnavailableException(e.getMessage(), e);
        }
        for (float[] v : vectors) {
            normalise(v);
        }
        return vectors;
    }

    private static void normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return;
        }
        double norm = Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
    }

    @Override
    public void close() {
        closed = true;
        requests.shutdownNow();
    }
}
