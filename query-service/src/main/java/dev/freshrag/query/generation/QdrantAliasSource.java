package dev.freshrag.query.generation;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.qdrant.QdrantAliasTargets;
import dev.freshrag.index.select.IndexOpener;
import dev.freshrag.index.select.IndexSettings;
import dev.freshrag.index.select.QdrantAliasWatch;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Qdrant alias: which collection it names, with the model, generation number and chunking that collection's
 * metadata records (one list-aliases call and one collection read per check). A generation is opened pinned to the collection
 * the alias names at that moment, then checked to be the one asked for: should the alias have moved again in between,
 * the switch fails and the next check follows the newer one.
 */
public final class QdrantAliasSource implements GenerationSource {

    private final QdrantAliasTargets targets;
    private final Function<IndexFingerprint, VectorIndexReader> openPinned;

    /**
     * @param openPinned opens a reader of the collection the alias names at open, refusing another model's
     *                   ({@link IndexOpener#openReader(IndexSettings, IndexFingerprint)})
     */
    public QdrantAliasSource(QdrantAliasTargets targets, Function<IndexFingerprint, VectorIndexReader> openPinned) {
        this.targets = targets;
        this.openPinned = openPinned;
    }

    /** On new connections to the configured Qdrant. */
    public static QdrantAliasSource connect(IndexSettings settings) {
        return new QdrantAliasSource(QdrantAliasWatch.connect(settings), fp -> IndexOpener.openReader(settings, fp));
    }

    @Override
    public Optional<ServedGeneration> active() {
        return targets.current().map(t -> new ServedGeneration(t.generation().orElse(1), t.fingerprint().modelId(),
                t.fingerprint().dimension(), t.chunkMaxTokens().isPresent() ? t.chunkMaxTokens().getAsInt() : null,
                "active"));
    }

    @Override
    public VectorIndexReader open(ServedGeneration generation) {
        VectorIndexReader reader = openPinned.apply(generation.fingerprint());
        int opened = reader.generationNumber().orElse(1);
        if (opened != generation.generation()) {
            reader.close();
            throw new IllegalStateException(String.format(Locale.ROOT, "the Qdrant alias moved from %s to g%d "
                    + "while %s was being opened; the next check follows it", generation.id(), opened, generation.id()));
        }
        return reader;
    }

    @Override
    public void close() {
        targets.close();
    }
}
