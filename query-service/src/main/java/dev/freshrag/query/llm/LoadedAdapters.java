package dev.freshrag.query.llm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The LoRA adapters loaded (or being loaded) on the LLM server, by served name, with the number of requests
 * holding each and their least-recently-used order. Pure bookkeeping under one lock, no I/O: it says which
 * adapter the caller must load and which ones to unload, and the caller ({@link LoraRouter}) does it.
 *
 * <p>The guarantees: an adapter that a request holds is never handed out for unloading; at most
 * {@code maxLoaded} adapters stay loaded, the least recently used idle ones go first (if all are in use, one
 * more stays until one is idle); an adapter still loading is never evicted; an idle adapter that no tenant
 * routes to (a swapped-out one) is given up as soon as its last request ends.
 */
final class LoadedAdapters {

    /** One adapter on the server. The mutable fields are guarded by the owning set's lock. */
    static final class Adapter {
        private final String served;
        private final String name;
        private final String source;
        /** Completes when the load finished (exceptionally when it failed); requests wait on it. */
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        /** Completes when the unload this adapter was handed out for has finished. */
        private final CompletableFuture<Void> unloaded = new CompletableFuture<>();
        private int refs;
        private long lastUsed;
        private boolean loaded;

        private Adapter(String served, String name, String source) {
            this.served = served;
            this.name = name;
            this.source = source;
        }

        String served() {
            return served;
        }

        /** The configured name (metrics tag). */
        String name() {
            return name;
        }

        String source() {
            return source;
        }

        CompletableFuture<Void> ready() {
            return ready;
        }

        CompletableFuture<Void> unloaded() {
            return unloaded;
        }
    }

    /**
     * What {@link #claim} decided.
     *
     * @param adapter       the adapter, now held by the caller (release it exactly once)
     * @param mustLoad      true for the one caller that created the entry: it loads, the others wait on {@link Adapter#ready()}
     * @param toUnload      adapters evicted to make room, to unload before loading ({@code maxLoaded} is never exceeded)
     * @param pendingUnload an unload of the same served name still under way: the load waits for it; null if none
     */
    record Claim(Adapter adapter, boolean mustLoad, List<Adapter> toUnload, CompletableFuture<Void> pendingUnload) {
    }

    private final int maxLoaded;
    /** Whether a tenant routes to a served name: such an adapter is kept after its last request ends. */
    private final Predicate<String> routed;

    private final Object lock = new Object();
    private final Map<String, Adapter> adapters = new HashMap<>();
    /** Unloads handed out and not finished yet, by served name. */
    private final Map<String, CompletableFuture<Void>> unloading = new HashMap<>();
    private long tick;
    private int loadedCount;

    /**
     * @param routed called under this set's lock: it must not call back into the set (a lock of its own is fine)
     */
    LoadedAdapters(int maxLoaded, Predicate<String> routed) {
        if (maxLoaded < 1) {
            throw new IllegalArgumentException("freshrag.lora.max-loaded must be at least 1, was " + maxLoaded);
        }
        this.maxLoaded = maxLoaded;
        this.routed = routed;
    }

    /** Holds the adapter for one request, creating its entry (to be loaded by this caller) if there is none. */
    Claim claim(String served, String name, String source) {
        synchronized (lock) {
            Adapter a = adapters.get(served);
            boolean created = a == null;
            if (created) {
                a = new Adapter(served, name, source);
                adapters.put(served, a);
            }
            a.refs++;
            a.lastUsed = ++tick;
            List<Adapter> evicted = created ? evictIdle(a) : List.of();
            return new Claim(a, created, evicted, unloading.get(served));
        }
    }

    /** The adapter's load succeeded. */
    void loaded(Adapter a) {
        synchronized (lock) {
            a.loaded = true;
            countLoaded();
        }
    }

    /**
     * Drops the adapter without an unload: its load failed, or the server does not know it (restarted). The next
     * claim of its served name creates a new entry, to be loaded again. Requests still holding it release it as usual.
     */
    void forget(Adapter a) {
        synchronized (lock) {
            if (adapters.get(a.served) == a) {
                adapters.remove(a.served);
                countLoaded();
            }
        }
    }

    /** A request holding the adapter ended. Returns the adapters to unload now (this one if no tenant routes to it). */
    List<Adapter> release(Adapter a) {
        synchronized (lock) {
            if (a.refs <= 0) {
                throw new IllegalStateException("adapter " + a.served + " released more often than claimed");
            }
            a.refs--;
            a.lastUsed = ++tick;
            List<Adapter> out = new ArrayList<>();
            if (isIdleUnrouted(a)) {
                out.add(remove(a));
            }
            out.addAll(evictIdle(null));
            countLoaded();
            return out;
        }
    }

    /** No tenant routes to the served name any more: its adapter, if loaded and idle, is returned for unloading. */
    Optional<Adapter> retireIfIdle(String served) {
        synchronized (lock) {
            Adapter a = adapters.get(served);
            if (a == null || !isIdleUnrouted(a)) {
                return Optional.empty();
            }
            remove(a);
            countLoaded();
            return Optional.of(a);
        }
    }

    /** The unload of an adapter handed out for unloading has finished (or failed). */
    void unloadFinished(Adapter a) {
        synchronized (lock) {
            unloading.remove(a.served, a.unloaded);
        }
        a.unloaded.complete(null);
    }

    /** Adapters whose load has finished and that are not given up. */
    int loadedCount() {
        synchronized (lock) {
            return loadedCount;
        }
    }

    /** Served names of the adapters loaded or being loaded. */
    TreeSet<String> servedNames() {
        synchronized (lock) {
            return new TreeSet<>(adapters.keySet());
        }
    }

    /** Requests holding the adapter currently under the served name; 0 if there is none. */
    int refs(String served) {
        synchronized (lock) {
            Adapter a = adapters.get(served);
            return a == null ? 0 : a.refs;
        }
    }

    // ------------------------------------------------------------------ under the lock

    private boolean isIdleUnrouted(Adapter a) {
        return a.refs == 0 && a.loaded && adapters.get(a.served) == a && !routed.test(a.served);
    }

    /** Removes an entry handed out for unloading; a later load of the same name waits for that unload. */
    private Adapter remove(Adapter a) {
        adapters.remove(a.served);
        unloading.put(a.served, a.unloaded);
        return a;
    }

    /**
     * While more than {@code maxLoaded} adapters are loaded or loading, removes the least recently used one that
     * no request holds (never {@code keep}, never one still loading).
     */
    private List<Adapter> evictIdle(Adapter keep) {
        List<Adapter> out = new ArrayList<>();
        while (adapters.size() > maxLoaded) {
            Adapter lru = null;
            for (Adapter c : adapters.values()) {
                if (c != keep && c.refs == 0 && c.loaded && (lru == null || c.lastUsed < lru.lastUsed)) {
                    lru = c;
                }
            }
            if (lru == null) {
                break; // everything else is in use or loading
            }
            out.add(remove(lru));
        }
        countLoaded();
        return out;
    }

    private void countLoaded() {
        int n = 0;
        for (Adapter c : adapters.values()) {
            if (c.loaded) {
                n++;
            }
        }
        loadedCount = n;
    }
}
