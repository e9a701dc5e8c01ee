package dev.freshrag.query.generation;

import dev.freshrag.index.VectorIndexReader;
import java.util.Optional;

/** Where the store says which generation is active: the Lucene pointer file or the Qdrant alias. */
public interface GenerationSource extends AutoCloseable {

    /**
     * The generation the store names active now; empty where it names none the service can follow (a Lucene index
     * without a pointer, no alias yet). Cheap when nothing changed: it is asked every watch interval.
     */
    Optional<ServedGeneration> active();

    /** A reader of {@code generation} that keeps reading it after the store names another one. */
    VectorIndexReader open(ServedGeneration generation);

    @Override
    default void close() {
    }
}
