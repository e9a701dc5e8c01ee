package dev.freshrag.index.select;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.index.qdrant.QdrantGenerations;
import dev.freshrag.index.qdrant.QdrantOptions;
import dev.freshrag.index.qdrant.QdrantVectorIndex;
import java.nio.file.Path;

/**
 * Opens the configured vector store from one side: {@link #openWriter} for the single writer (embed-service),
 * {@link #openReader} for a reader (query-service). Each answers only the side it opened.
 */
public final class IndexOpener {

    private IndexOpener() {
    }

    /**
     * The single writer: for Lucene it holds the index directory's write lock; for Qdrant it writes the collection the
     * alias names at open (created with the alias if missing), not the alias: once a reindex moves the alias to another
     * generation, this writer still writes its own one (issue 16: every generation's writer is pinned).
     */
    public static VectorIndexWriter openWriter(IndexSettings settings, IndexFingerprint fingerprint) {
        return switch (settings.kind()) {
            case LUCENE -> LuceneWriterIndex.open(lucenePath(settings.lucene()), fingerprint, luceneOptions(settings.lucene()));
            case QDRANT -> QdrantVectorIndex.connectPinned(qdrantOptions(settings.qdrant()), fingerprint);
        };
    }

    /**
     * A reader: for Lucene another process's index directory, polled for commits; for Qdrant the collection the alias
     * names at open, read directly, so a switch of the alias to another model's generation never reaches a reader that
     * embeds queries with the old model (it sees the switch when it is opened again).
     */
    public static VectorIndexReader openReader(IndexSettings settings, IndexFingerprint fingerprint) {
        return switch (settings.kind()) {
            case LUCENE -> LuceneReaderIndex.open(lucenePath(settings.lucene()), fingerprint, luceneOptions(settings.lucene()));
            case QDRANT -> QdrantVectorIndex.connectPinned(qdrantOptions(settings.qdrant()), fingerprint);
        };
    }

    /**
     * The single writer of one generation (the embed-service fills a building one beside the active one): for Lucene
     * the generation's directory ({@link LuceneGenerations#directory}), for Qdrant its own collection, not the alias.
     */
    public static VectorIndexWriter openWriter(IndexSettings settings, Generation generation) {
        return switch (settings.kind()) {
            case LUCENE -> LuceneWriterIndex.open(lucenePlan(settings).directory(generation), generation.fingerprint(),
                    luceneOptions(settings.lucene()));
            case QDRANT -> QdrantVectorIndex.connectGeneration(qdrantOptions(settings.qdrant()), generation);
        };
    }

    /** A reader of one generation, which keeps reading it after the active generation changes. */
    public static VectorIndexReader openReader(IndexSettings settings, Generation generation) {
        return switch (settings.kind()) {
            case LUCENE -> LuceneReaderIndex.open(lucenePlan(settings).directory(generation), generation.fingerprint(),
                    luceneOptions(settings.lucene()));
            case QDRANT -> QdrantVectorIndex.connectGeneration(qdrantOptions(settings.qdrant()), generation);
        };
    }

    /**
     * The plan of generations where the store keeps one: the Lucene pointer file, if it exists yet. Empty for an index
     * from before generations (its one index is generation 1) and for Qdrant, whose alias names the active collection
     * but which keeps no plan.
     */
    public static java.util.Optional<Generations> plan(IndexSettings settings) {
        return settings.kind() == IndexKind.LUCENE ? lucenePlan(settings).read() : java.util.Optional.empty();
    }

    /**
     * The fingerprint (model and dimension) of the index queries search now, read before a service opens it: the
     * plan's active generation, else the one index at the Lucene root (an index from before generations), else for
     * Qdrant the collection the alias names; empty for a new index. A service started without a configured model
     * embeds with this one.
     */
    public static java.util.Optional<IndexFingerprint> existingFingerprint(IndexSettings settings) {
        return switch (settings.kind()) {
            case LUCENE -> {
                LuceneGenerations layout = lucenePlan(settings);
                yield layout.read().map(p -> p.active().fingerprint()).or(layout::rootIndexFingerprint);
            }
            case QDRANT -> {
                try (dev.freshrag.index.qdrant.QdrantAliasTargets targets = QdrantAliasWatch.connect(settings)) {
                    yield targets.current().map(dev.freshrag.index.qdrant.QdrantAliasTargets.Target::fingerprint);
                }
            }
        };
    }

    /** The generation layout and pointer of the embedded index ({@link IndexKind#LUCENE} only). */
    public static LuceneGenerations lucenePlan(IndexSettings settings) {
        requireKind(settings, IndexKind.LUCENE);
        return LuceneGenerations.at(lucenePath(settings.lucene()));
    }

    /** The collections and alias of the Qdrant index ({@link IndexKind#QDRANT} only), on a new connection. */
    public static QdrantGenerations qdrantGenerations(IndexSettings settings) {
        requireKind(settings, IndexKind.QDRANT);
        return QdrantGenerations.connect(qdrantOptions(settings.qdrant()));
    }

    private static void requireKind(IndexSettings settings, IndexKind kind) {
        if (settings.kind() != kind) {
            throw new IllegalStateException("freshrag.index.kind is " + settings.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not " + kind.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static Path lucenePath(IndexSettings.Lucene l) {
        return Path.of(l.path()).toAbsolutePath();
    }

    private static LuceneOptions luceneOptions(IndexSettings.Lucene l) {
        return LuceneOptions.defaults()
                .withHnsw(l.hnswMaxConn(), l.hnswBeamWidth())
                .withRefreshInterval(l.refreshInterval());
    }

    static QdrantOptions qdrantOptions(IndexSettings.Qdrant q) {
        QdrantOptions o = QdrantOptions.defaults()
                .withEndpoint(q.host(), q.port())
                .withApiKey(q.apiKey().orElse(null))
                .withTls(q.tls())
                .withTimeout(q.timeout())
                .withCollectionPrefix(q.collectionPrefix())
                .withAlias(q.alias());
        if (q.shardNumber().isPresent()) {
            o = o.withShardNumber(q.shardNumber().getAsInt());
        }
        if (q.replicationFactor().isPresent()) {
            o = o.withReplicationFactor(q.replicationFactor().getAsInt());
        }
        return o;
    }

    /** Where the index is, for logs: never the API key. */
    public static String describe(IndexSettings settings) {
        return settings.kind() == IndexKind.LUCENE
                ? "embedded Lucene index at " + Path.of(settings.lucene().path()).toAbsolutePath()
                : "Qdrant at " + settings.qdrant().host() + ":" + settings.qdrant().port() + " (alias " + settings.qdrant().alias() + ")";
    }
}
