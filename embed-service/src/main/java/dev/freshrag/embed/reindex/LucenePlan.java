package dev.freshrag.embed.reindex;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** The plan on the embedded Lucene index: its pointer file, which says everything (see {@link LuceneGenerations}). */
final class LucenePlan implements GenerationPlan {

    private final LuceneGenerations layout;

    LucenePlan(LuceneGenerations layout) {
        this.layout = layout;
    }

    @Override
    public Optional<Generations> read() {
        return layout.read();
    }

    @Override
    public Generations openOrAdopt(IndexFingerprint active, OptionalInt activeNumber, int chunkMaxTokens, Instant now) {
        return layout.openOrAdopt(active, chunkMaxTokens, now);
    }

    @Override
    public Generations change(Generations expected, Generations next) {
        return layout.change(expected, next);
    }

    @Override
    public void drop(Generation generation) {
        layout.dropFiles(generation);
    }

    @Override
    public void close() {
        // nothing held: every read and change opens the pointer file
    }
}
