package dev.freshrag.query.generation;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.index.VectorIndexReader;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One generation as the query-service serves it: the generation, the embedder of its model and a reader of its index,
 * together and never changed. A request takes the set once ({@link ServingGenerations#acquire()}) and uses only it for
 * the query vector, the index reads and the read-your-writes check, so no request mixes two models.
 *
 * <p>Reference counted rather than closed after a grace period: a request may wait up to the read-your-writes bound
 * and an extractive answer embeds its sentences after retrieval, so no fixed period is safe, while a count closes the
 * old reader and model as soon as the last request that took them is done. The holder owns one reference; each
 * {@link #close()} gives one back, and the last one retires the set (closes its reader, releases its model).
 */
public final class ServingSet implements AutoCloseable {

    private final ServedGeneration served;
    private final Embedder embedder;
    private final VectorIndexReader reader;
    private final Runnable retire;
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();

    /**
     * @param retire what closing the last reference does (close the reader, give the model back); runs once
     */
    public ServingSet(ServedGeneration served, Embedder embedder, VectorIndexReader reader, Runnable retire) {
        this.served = Objects.requireNonNull(served, "served");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.retire = Objects.requireNonNull(retire, "retire");
    }

    public ServedGeneration served() {
        return served;
    }

    /** The embedder of the generation's model: queries searched in {@link #reader()} are embedded with it. */
    public Embedder embedder() {
        return embedder;
    }

    public VectorIndexReader reader() {
        return reader;
    }

    /** One more reference, unless the set is already retired (then the caller takes the newer one). */
    boolean tryAcquire() {
        while (true) {
            int n = references.get();
            if (n <= 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Whether the last reference was given back and the reader closed. */
    public boolean isRetired() {
        return retired.get();
    }

    /** Gives one reference back (a request's, or the holder's when it switches away); the last one retires the set. */
    @Override
    public void close() {
        if (references.decrementAndGet() == 0 && retired.compareAndSet(false, true)) {
            retire.run();
        }
    }
}
