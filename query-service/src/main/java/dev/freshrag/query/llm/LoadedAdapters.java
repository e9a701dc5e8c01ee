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
        /**
         * Completes when the unload this adapter was last handed out for has finished, or was cancelled because the
         * adapter was claimed again first. A new future for every hand-out: a finished unload says nothing of the next.
         */
        private CompletableFuture<Void> unloaded = CompletableFuture.completedFuture(null);
        private Unload unload = Unload.NONE;
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
            synchronized (this) {
                return unloaded;
            }
        }
    }

    /** Where an adapter is in being unloaded. */
    private enum Unload {
        /** Not handed out for unloading (or the unload is over). */
        NONE,
        /** Handed out, the unload call not sent yet: a claim of the same served name cancels it and keeps the adapter. */
        HANDED_OUT,
        /** The unload call is under way: a claim of the same served name loads again only after it has finished. */
        STARTED
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
    /** Adapters handed out for unloading whose unload has not finished (nor been cancelled), by served name. */
    private final Map<String, Adapter> unloading = new HashMap<>();
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

    /**
     * Holds the adapter for one request, creating its entry (to be loaded by this caller) if there is none. An adapter
     * handed out for unloading whose unload has not started yet is taken back instead: the unload is cancelled and the
     * adapter, still loaded on the server, is used as it is. One whose unload has started cannot be taken back: the new
     * entry's load must wait for {@link Claim#pendingUnload()}, else the late unload would remove the reloaded adapter.
     */
    Claim claim(String served, String name, String source) {
        synchronized (lock) {
            Adapter a = adapters.get(served);
            Adapter leaving = unloading.get(served);
            if (a == null && leaving != null && leaving.unload == Unload.HANDED_OUT) {
                unloading.remove(served);
                leaving.unload = Unload.NONE;
                adapters.put(served, leaving);
                leaving.refs++;
                leaving.lastUsed = ++tick;
                // whoever waits for the room this unload was to make goes on; this adapter stays, held, as before
                leaving.unloaded().complete(null);
                List<Adapter> evicted = evictIdle(leaving);
                return new Claim(leaving, false, evicted, null);
            }
            boolean created = a == null;
            if (created) {
                a = new Adapter(served, name, source);
                adapters.put(served, a);
            }
            a.refs++;
            a.lastUsed = ++tick;
            List<Adapter> evicted = created ? evictIdle(a) : List.of();
            return new Claim(a, created, evicted, leaving == null ? null : leaving.unloaded());
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

    /**
     * The caller is about to send the unload of an adapter handed out for unloading. False if a claim took the adapter
     * back in the meantime: then nothing must be sent (and {@link #unloadFinished} not called).
     */
    boolean startUnload(Adapter a) {
        synchronized (lock) {
            if (a.unload != Unload.HANDED_OUT || unloading.get(a.served) != a) {
                return false;
            }
            a.unload = Unload.STARTED;
            return true;
        }
    }

    /** The unload of an adapter handed out for unloading has finished (or failed). */
    void unloadFinished(Adapter a) {
        CompletableFuture<Void> done;
        synchronized (lock) {
            unloading.remove(a.served, a);
            a.unload = Unload.NONE;
            done = a.unloaded();
        }
        done.complete(null);
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

    /** Removes an entry handed out for unloading; a later claim of the same name cancels or waits for that unload. */
    private Adapter remove(Adapter a) {
        adapters.remove(a.served);
        a.unload = Unload.HANDED_OUT;
        synchronized (a) {
            a.unloaded = new CompletableFuture<>();
        }
        unloading.put(a.served, a);
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
