package dev.freshrag.query.generation;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.VectorIndexReader;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The one volatile reference to the {@link ServingSet} the query-service searches. A switch loads the new generation's
 * model and opens its reader before the reference moves, so a request sees the old set or the new one, whole; the old
 * set is closed when the last request that took it is done. A switch that cannot load or open keeps the old set.
 */
public final class ServingGenerations implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServingGenerations.class);

    private final QueryModels models;
    private final Consumer<GenerationSwitched> listener;
    private final Clock clock;
    private volatile ServingSet current;
    private volatile SwitchFailure lastFailure;
    private volatile boolean closed;

    /**
     * @param initial  the set chosen at start (its embedder is {@code models}' start-time one)
     * @param listener told of every switch, after the swap (metrics)
     */
    public ServingGenerations(ServingSet initial, QueryModels models, Consumer<GenerationSwitched> listener, Clock clock) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.models = Objects.requireNonNull(models, "models");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The set a request uses from start to end, taken once; give it back with {@link ServingSet#close()} (try with
     * resources). Never a retired one: if a switch retired the set between the read and the take, the newer one.
     */
    public ServingSet acquire() {
        while (!closed) {
            ServingSet s = current;
            if (s.tryAcquire()) {
                return s;
            }
            // a switch moves the reference before it retires the old set, so a retired current one means shutdown
            if (s == current) {
                break;
            }
        }
        throw new IndexUnavailableException("the query-service is stopping", null);
    }

    /** The generation served now (for reports; a request takes {@link #acquire()} instead). */
    public ServedGeneration served() {
        return current.served();
    }

    /** The last switch that failed, unless a later switch succeeded. */
    public Optional<SwitchFailure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Forgets the last failure: the store names the served generation again. */
    void clearFailure() {
        lastFailure = null;
    }

    /**
     * Makes {@code target} the served generation: its model loaded (or shared), its reader opened by {@code open}
     * and checked to hold that model's vectors, one search run on it, and only then the reference moved. On failure the
     * old set stays, the failure is logged and kept for readiness, and false is returned.
     */
    public synchronized boolean switchTo(ServedGeneration target, Function<ServedGeneration, VectorIndexReader> open) {
        if (closed) {
            return false; // stopping: nothing new is opened
        }
        ServingSet old = current;
        Embedder embedder;
        try {
            embedder = models.acquire(target.fingerprint());
        } catch (RuntimeException e) {
            return failed(target, "its model " + target.model() + " cannot be loaded: " + e.getMessage(), e);
        }
        VectorIndexReader reader;
        try {
            reader = open.apply(target);
            try {
                reader.fingerprint().requireSame(target.fingerprint());
                // the first kNN search loads and compiles the search path: before the switch, not on a request
                reader.search(new SearchQuery("_warmup", embedder.embedQuery("warm up"), 10, Map.of()));
            } catch (RuntimeException e) {
                reader.close();
                throw e;
            }
        } catch (GenerationSupersededException e) {
            models.release(embedder);
            LOG.infof("not switching to generation %s: %s", target.id(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            models.release(embedder);
            return failed(target, "its index cannot be opened: " + e.getMessage(), e);
        }
        ServingSet next = new ServingSet(target, embedder, reader, () -> {
            try {
                reader.close();
            } finally {
                models.release(embedder);
            }
        });
        current = next;
        lastFailure = null;
        old.close(); // the holder's reference; requests still holding it finish on it, the last one retires it
        LOG.infof("now serving generation %s (%s) instead of %s (%s)", target.id(), target.model(),
                old.served().id(), old.served().model());
        listener.accept(new GenerationSwitched(old.served(), target));
        return true;
    }

    private boolean failed(ServedGeneration target, String reason, RuntimeException e) {
        lastFailure = new SwitchFailure(target, reason, clock.instant());
        LOG.errorf(e, "cannot switch to generation %s: %s; still serving %s (%s)", target.id(), reason,
                current.served().id(), current.served().model());
        return false;
    }

    /** Gives back the holder's reference to the served set (at shutdown). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            current.close();
        }
    }
}
