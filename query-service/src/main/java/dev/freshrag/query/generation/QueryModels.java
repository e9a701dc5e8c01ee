package dev.freshrag.query.generation;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbeddingBackend;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.embedding.ShippedModel;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.embedding.config.EmbeddingSettings;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.tokenizer.EmbeddingModel;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The query embedders of the generations being served, one per model id, loaded when a generation of that model is
 * switched to and closed when no serving set uses it any more. The start-time embedder (the {@code Embedder} bean of
 * {@code freshrag.embedding.*}) is never closed here: it belongs to the application, and a rollback to its model needs
 * no loading.
 */
public final class QueryModels {

    private static final Logger LOG = Logger.getLogger(QueryModels.class);

    private record Loaded(Embedder embedder, int users) {
    }

    private final EmbeddingSettings settings;
    private final Embedder startEmbedder;
    private final Map<String, Loaded> loaded = new HashMap<>();

    public QueryModels(EmbeddingSettings settings, Embedder startEmbedder) {
        this.settings = settings;
        this.startEmbedder = startEmbedder;
    }

    /**
     * The embedder of {@code fingerprint}'s model, loaded (and warmed up) if no serving set holds it yet; give it back
     * with {@link #release}.
     *
     * @throws IndexMismatchException the model is not one this service can load (a remote embedding server serves
     *                                one model; an unknown id; another dimension)
     */
    public synchronized Embedder acquire(IndexFingerprint fingerprint) {
        String id = fingerprint.modelId();
        if (startEmbedder.model().id().equals(id) && startEmbedder.model().dimension() == fingerprint.dimension()) {
            return startEmbedder;
        }
        Loaded l = loaded.get(id);
        if (l != null) {
            loaded.put(id, new Loaded(l.embedder(), l.users() + 1));
            return l.embedder();
        }
        if (settings.backend() != EmbeddingBackend.ONNX) {
            throw new IndexMismatchException("generation model " + id + " cannot be loaded: freshrag.embedding.backend="
                    + settings.backend().name().toLowerCase(java.util.Locale.ROOT) + " serves one model ("
                    + startEmbedder.model().id() + "); point it at a server of " + id + " and restart");
        }
        ShippedModel m = ShippedModel.ofModelId(id).orElseThrow(() -> new IndexMismatchException("generation model " + id
                + " is not an in-process model this service knows (" + known() + ")"));
        OnnxEmbedder embedder = OnnxEmbedder.load(EmbedderStartup.options(settings).withModel(m.model()).withVariant(m.variant()));
        try {
            if (embedder.model().dimension() != fingerprint.dimension()) {
                throw new IndexMismatchException("generation model " + id + " has " + fingerprint.dimension()
                        + " dimensions recorded, but the model gives " + embedder.model().dimension());
            }
            embedder.embed("warm up"); // the first run allocates and compiles: not on a request
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
        LOG.infof("loaded query model %s (%d dims) on %s for a generation switch", id, embedder.model().dimension(),
                embedder.executionProvider());
        loaded.put(id, new Loaded(embedder, 1));
        return embedder;
    }

    /** Gives back an embedder {@link #acquire} returned; the last user of a loaded model closes it. */
    public synchronized void release(Embedder embedder) {
        if (embedder == startEmbedder) {
            return;
        }
        String id = embedder.model().id();
        Loaded l = loaded.get(id);
        if (l == null || l.embedder() != embedder) {
            return;
        }
        if (l.users() > 1) {
            loaded.put(id, new Loaded(embedder, l.users() - 1));
        } else {
            loaded.remove(id);
            embedder.close();
            LOG.infof("closed query model %s: no served generation uses it", id);
        }
    }

    /** Model ids loaded besides the start-time one (for tests and logs). */
    public synchronized java.util.Set<String> loadedIds() {
        return java.util.Set.copyOf(loaded.keySet());
    }

    private static String known() {
        StringBuilder b = new StringBuilder();
        for (EmbeddingModel model : EmbeddingModel.values()) {
            for (ModelVariant variant : ModelVariant.values()) {
                b.append(b.isEmpty() ? "" : ", ").append(variant.modelId(model));
            }
        }
        return b.toString();
    }
}
