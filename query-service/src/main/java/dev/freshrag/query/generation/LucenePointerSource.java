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

    /**
     * Reads the pointer again first: the switch loaded the generation's model before this (seconds), and a generation
     * rolled back, aborted or dropped meanwhile must not be opened; its directory may be gone, and opening a Lucene
     * directory that is gone would create it again, empty, under the operator's feet.
     *
     * @throws GenerationSupersededException the generation is no longer the active one, or its directory is gone
     */
    @Override
    public synchronized VectorIndexReader open(ServedGeneration generation) {
        Generations now = layout.read().orElseThrow(() -> new GenerationSupersededException("the pointer at " + pointer
                + " is gone"));
        Generation g = now.byNumber(generation.generation())
                .filter(candidate -> candidate.number() == now.active().number())
                .orElseThrow(() -> new GenerationSupersededException("generation " + generation.id()
                        + " is no longer the active one at " + pointer + " (now " + now.active().id() + ")"));
        if (!Files.isDirectory(layout.directory(g))) {
            throw new GenerationSupersededException("the directory of generation " + g.id() + " is gone");
        }
        return IndexOpener.openReader(settings, g);
    }
}
