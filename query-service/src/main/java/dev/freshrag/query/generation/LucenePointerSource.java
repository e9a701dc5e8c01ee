package dev.freshrag.query.generation;

import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.index.select.IndexOpener;
import dev.freshrag.index.select.IndexSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Lucene pointer ({@code generations.properties}), read again only when its file changed: a switch replaces it
 * with an atomic rename, so its file key (inode) changes, and its modification time and size are compared too where
 * the file system has no file key. A check is one {@code stat}.
 */
public final class LucenePointerSource implements GenerationSource {

    private final IndexSettings settings;
    private final LuceneGenerations layout;
    private final Path pointer;
    private List<Object> seen;
    private Optional<Generations> plan = Optional.empty();

    public LucenePointerSource(IndexSettings settings) {
        this.settings = settings;
        this.layout = IndexOpener.lucenePlan(settings);
        this.pointer = layout.root().resolve(LuceneGenerations.POINTER);
    }

    @Override
    public synchronized Optional<ServedGeneration> active() {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(pointer, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            seen = null;
            plan = Optional.empty();
            return Optional.empty();
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot read the attributes of " + pointer + ": " + e, e);
        }
        List<Object> key = Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
        if (!key.equals(seen)) {
            // noted before the read: a pointer that cannot be read (it is only ever replaced whole, so someone wrote it
            // by hand) is reported once, not every check, and the last plan read stays until the file changes again
            seen = key;
            plan = layout.read();
        }
        return plan.map(p -> ServedGeneration.of(p.active()));
    }

    @Override
    public synchronized VectorIndexReader open(ServedGeneration generation) {
        Generation g = plan.flatMap(p -> p.byNumber(generation.generation()))
                .orElseThrow(() -> new IllegalStateException("generation " + generation.id()
                        + " is no longer in the plan at " + pointer));
        return IndexOpener.openReader(settings, g);
    }
}
