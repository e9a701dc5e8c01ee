package dev.freshrag.embedding.config;

import dev.freshrag.embedding.CudaOptions;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.embedding.remote.InstructedQueries;
import dev.freshrag.embedding.remote.RemoteEmbedder;
import dev.freshrag.embedding.remote.RemoteOptions;
import dev.freshrag.embedding.EmbeddingBackend;
import dev.freshrag.embedding.ShippedModel;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the embedder of a service from its {@link EmbeddingSettings}: the one place both services load it. */
public final class EmbedderStartup {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderStartup.class);

    private EmbedderStartup() {
    }

    /** The options the settings stand for; the other options keep their defaults. */
    public static EmbedderOptions options(EmbeddingSettings settings) {
        return EmbedderOptions.defaults()
                .withModel(settings.modelOrDefault())
                .withVariant(settings.variant())
                .withTarget(settings.target())
                .withMaxBatchSize(settings.maxBatchSize())
                .withIntraOpThreads(settings.intraOpThreads())
                .withCuda(cudaOptions(settings.cuda()));
    }

    /** The CUDA options the settings stand for. */
    public static CudaOptions cudaOptions(EmbeddingSettings.Cuda c) {
        return new CudaOptions(c.deviceId(), c.gpuMemLimit(), c.cudnnConvAlgoSearch(), c.arenaExtendStrategy(),
                c.batchTokens(), c.maxBatchSize(), c.bucketWidth(), c.warmUp());
    }

    /** The remote options the settings stand for; fails naming the key when the URL is missing. */
    public static RemoteOptions remoteOptions(EmbeddingSettings settings) {
        EmbeddingSettings.Remote r = settings.remote();
        return new RemoteOptions(
                r.url().orElseThrow(() -> new IllegalArgumentException("freshrag.embedding.remote.url is required with"
                        + " freshrag.embedding.backend=" + settings.backend().name().toLowerCase(java.util.Locale.ROOT))),
                r.model().filter(m -> !m.isBlank()), r.apiKey().filter(k -> !k.isBlank()), r.timeout(),
                r.maxConcurrency(), r.batchTokens(), r.maxBatchSize(), r.attempts(), Duration.ofMillis(200),
                r.dimension());
    }

    /**
     * The embedder of the configured backend, ready: the ONNX model loaded and warmed up, or the embedding server
     * reached, its model name and vector dimension checked (start fails with a message saying what differs).
     */
    public static Embedder start(EmbeddingSettings settings) {
        return switch (settings.backend()) {
            case ONNX -> startOnnx(settings);
            case TEI -> withQueryInstruction(RemoteEmbedder.tei(remoteOptions(settings)), settings);
            case OPENAI -> withQueryInstruction(RemoteEmbedder.openAi(remoteOptions(settings)), settings);
        };
    }

    /**
     * The embedder a service starts with next to an index that may hold vectors already ({@code indexModelId}: the
     * model id it records, empty for a new index). With {@code freshrag.embedding.model} unset and the in-process
     * backend, that model in the build the index holds (an index built before the default changed keeps being served
     * and written with its model); otherwise {@link #start(EmbeddingSettings)}: the configured model, or the one a new
     * index is built with. A remote backend serves the model its server runs, whatever the index holds.
     */
    public static Embedder start(EmbeddingSettings settings, Optional<String> indexModelId) {
        if (settings.model().isEmpty() && settings.backend() == EmbeddingBackend.ONNX) {
            Optional<ShippedModel> held = indexModelId.flatMap(ShippedModel::ofModelId);
            if (held.isPresent()) {
                LOG.info("freshrag.embedding.model is unset: embedding with {}, the model the index holds",
                        indexModelId.get());
                return startOnnx(options(settings).withModel(held.get().model()).withVariant(held.get().variant()));
            }
        }
        return start(settings);
    }

    /** A remote embedder with the configured query instruction, if any, in front of search queries. */
    static Embedder withQueryInstruction(Embedder server, EmbeddingSettings settings) {
        return settings.remote().queryInstruction().filter(i -> !i.isEmpty())
                .<Embedder>map(i -> new InstructedQueries(server, i)).orElse(server);
    }

    /**
     * Loads the model and runs it once, so that the first real text does not pay for allocation and compilation;
     * on CUDA also once per bucketed shape of its batching policy.
     */
    public static OnnxEmbedder startOnnx(EmbeddingSettings settings) {
        return startOnnx(options(settings));
    }

    private static OnnxEmbedder startOnnx(EmbedderOptions options) {
        OnnxEmbedder embedder = OnnxEmbedder.load(options);
        embedder.embed("warm up");
        var shapes = embedder.warmUp();
        LOG.info("embedding model {} ({} dims) on {}; runs of at most {} padded tokens and {} texts{}",
                embedder.model().id(), embedder.model().dimension(), embedder.executionProvider(),
                embedder.batching().batchTokens(), embedder.batching().maxBatchSize(),
                shapes.isEmpty() ? "" : "; warmed up on shapes " + shapes);
        return embedder;
    }
}
