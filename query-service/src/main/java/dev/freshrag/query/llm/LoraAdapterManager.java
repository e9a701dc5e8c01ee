package dev.freshrag.query.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Which LoRA adapter a tenant's request is routed to on the LLM server, and (runtime mode) which adapters
 * are loaded there.
 *
 * <p><b>Runtime mode</b> (one vLLM replica with {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING}): an adapter
 * {@code (name, source)} is served under {@code name-<first 8 hex of sha256(source)>}, so a new source is a
 * new served name. Before the first request that needs it, the adapter is loaded ({@code load_lora_adapter});
 * concurrent requests wait for the same load. Every request holds a {@link Lease} on its adapter while it
 * runs (reference count). When a tenant's adapter changes (a swap) the new one is loaded first, then the
 * tenant's route switches in one step, and the old adapter is unloaded only once no request holds it and no
 * tenant routes to it. At most {@code maxLoaded} adapters stay loaded: before a load, and whenever a request
 * ends, the least recently used adapters that no request holds are unloaded; an adapter in use is never
 * unloaded (if all are in use, one more stays loaded until one is idle). A failed load makes the request use
 * the base model ({@link Lease#fallback()}); further requests do so without trying again for
 * {@code retryAfterFailure}.
 *
 * <p><b>Resolver mode</b> (several vLLM replicas resolving adapters by name from shared storage): nothing is
 * loaded or unloaded; requests are routed by the adapter's name as configured.
 *
 * <p>Metrics, tagged with the adapter's configured name: {@code freshrag.lora.requests} (requests for the
 * adapter), {@code freshrag.lora.failures} (requests that could not use it; tag {@code reason}: load,
 * not-found, request), {@code freshrag.lora.load} (timer of every load, preloads included; tag
 * {@code outcome}), {@code freshrag.lora.unloads}, and the gauge {@code freshrag.lora.loaded}.
 */
public final class LoraAdapterManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoraAdapterManager.class);

    public enum Mode {
        RUNTIME, RESOLVER;

        public static Mode parse(String value) {
            try {
                return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("freshrag.lora.mode must be runtime or resolver, was '" + value + "'");
            }
        }
    }

    /** Fallback reasons (the start of {@link Lease#fallback()}). */
    public static final String LOAD_FAILED = "adapter-load-failed";
    public static final String LOAD_TIMEOUT = "adapter-load-timeout";
    public static final String UNKNOWN = "adapter-unknown";

    private final LoraAdmin api;
    private final Mode mode;
    private final int maxLoaded;
    private final Duration loadTimeout;
    private final Duration retryAfterFailure;
    private final MeterRegistry meters;
    private final ExecutorService executor;

    private final Object lock = new Object();
    /** Adapters loaded or being loaded, by served name. */
    private final Map<String, Entry> entries = new HashMap<>();
    /** Tenant to the adapter its requests use, with the revision of the tenant configuration that named it. */
    private final Map<String, Route> routes = new HashMap<>();
    /** Served names whose last load failed, until when requests skip loading. */
    private final Map<String, Failure> failures = new HashMap<>();
    /** Unloads under way, by served name: a load of the same name waits for them. */
    private final Map<String, CompletableFuture<Void>> unloading = new HashMap<>();
    private long tick;
    private final AtomicInteger loadedGauge = new AtomicInteger();

    private static final class Entry {
        final String served;
        final String name;
        final String source;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        int refs;
        long lastUsed;
        boolean loaded;

        Entry(String served, String name, String source) {
            this.served = served;
            this.name = name;
            this.source = source;
        }
    }

    private record Route(String served, long revision) {
    }

    private record Failure(String reason, long untilNanos) {
    }

    public LoraAdapterManager(LoraAdmin api, Mode mode, int maxLoaded, Duration loadTimeout, Duration retryAfterFailure,
                              MeterRegistry meters) {
        if (maxLoaded < 1) {
            throw new IllegalArgumentException("freshrag.lora.max-loaded must be at least 1, was " + maxLoaded);
        }
        this.api = api;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.maxLoaded = maxLoaded;
        this.loadTimeout = loadTimeout;
        this.retryAfterFailure = retryAfterFailure;
        this.meters = Objects.requireNonNull(meters, "meters");
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "freshrag-lora");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("freshrag.lora.loaded", loadedGauge, AtomicInteger::get)
                .description("LoRA adapters FreshRAG has loaded on the LLM server (runtime mode)")
                .register(meters);
    }

    public Mode mode() {
        return mode;
    }

    /** The name an adapter is served under in runtime mode: {@code name-<8 hex of sha256(source)>}. */
    public static String servedName(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return name + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request's hold on an adapter. {@link #model()} is the served adapter name to put in {@code "model"},
     * or null when the request must use the base model, then {@link #fallback()} says why. Close it when
     * the request is done (also when it failed); closing twice is harmless.
     */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private final String adapterName;
        private final String model;
        private final String fallback;
        private boolean closed;

        private Lease(Entry entry, String adapterName, String model, String fallback) {
            this.entry = entry;
            this.adapterName = adapterName;
            this.model = model;
            this.fallback = fallback;
        }

        /** The adapter name to route with, or null for the base model. */
        public String model() {
            return model;
        }

        /** Why the base model is used although the tenant has an adapter; null otherwise. */
        public String fallback() {
            return fallback;
        }

        /** The adapter's configured name (metrics tag). */
        public String adapterName() {
            return adapterName;
        }

        /**
         * The server answered that it does not know this adapter (restarted, or unloaded by someone else): it
         * is forgotten without an unload, so that the next {@link #acquire} loads it again.
         */
        public void notFound() {
            failure(adapterName, "not-found");
            if (entry != null) {
                synchronized (lock) {
                    if (entries.get(entry.served) == entry) {
                        entries.remove(entry.served);
                        updateGauge();
                    }
                }
            }
        }

        /** The request failed on this adapter for another reason (timeout, 5xx). */
        public void failed() {
            failure(adapterName, "request");
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            if (entry != null) {
                release(entry);
            }
        }
    }

    /** A lease on no adapter: the tenant has none. */
    public Lease none() {
        return new Lease(null, null, null, null);
    }

    /**
     * Makes sure the adapter is loaded (runtime mode) and holds it for one request.
     *
     * @param revision the revision of the tenant configuration that names the adapter; routes only move forward
     */
    public Lease acquire(String tenant, long revision, String name, String source) {
        return acquire(tenant, revision, name, source, true);
    }

    /** {@code forRequest}: false for a preload, which counts in the load timer only, not as a request or failure. */
    private Lease acquire(String tenant, long revision, String name, String source, boolean forRequest) {
        Objects.requireNonNull(name, "name");
        if (forRequest) {
            count("freshrag.lora.requests", name);
        }
        if (mode == Mode.RESOLVER) {
            return new Lease(null, name, name, null);
        }
        Objects.requireNonNull(source, "source");
        String served = servedName(name, source);
        Entry e;
        boolean loader = false;
        List<Entry> evicted;
        CompletableFuture<Void> pendingUnload;
        synchronized (lock) {
            Failure f = failures.get(served);
            if (f != null) {
                if (System.nanoTime() - f.untilNanos < 0) {
                    if (forRequest) {
                        failure(name, "load");
                    }
                    return new Lease(null, name, null, f.reason);
                }
                failures.remove(served);
            }
            e = entries.get(served);
            if (e == null) {
                e = new Entry(served, name, source);
                entries.put(served, e);
                loader = true;
            }
            e.refs++;
            e.lastUsed = ++tick;
            evicted = loader ? evictIdle(e) : List.of();
            pendingUnload = unloading.get(served);
            updateGauge();
        }
        List<CompletableFuture<Void>> room = new ArrayList<>();
        evicted.forEach(x -> room.add(unload(x)));
        if (loader) {
            // the evicted adapters are gone from the server before the new one arrives: never more than maxLoaded
            awaitQuietly(room);
            load(e, pendingUnload);
        }
        try {
            e.ready.get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException ex) {
            release(e);
            if (forRequest) {
                failure(name, "load");
            }
            return new Lease(null, name, null, LOAD_TIMEOUT + ": adapter " + name + " was not loaded within " + loadTimeout);
        } catch (ExecutionException ex) {
            release(e);
            if (forRequest) {
                failure(name, "load");
            }
            synchronized (lock) {
                Route r = routes.get(tenant);
                if (r != null && revision >= r.revision) {
                    // the tenant's adapter cannot be loaded: no route, so the adapter it used before can go
                    routes.remove(tenant);
                    retireIfIdle(r.served);
                }
            }
            return new Lease(null, name, null, LOAD_FAILED + ": " + describe(ex.getCause()));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            release(e);
            return new Lease(null, name, null, LOAD_TIMEOUT + ": interrupted");
        }
        synchronized (lock) {
            Route r = routes.get(tenant);
            if (r == null || revision >= r.revision) {
                // the switch: from here on the tenant's requests use the new adapter
                routes.put(tenant, new Route(served, revision));
                if (r != null && !r.served.equals(served)) {
                    retireIfIdle(r.served); // otherwise unloaded when its last request ends
                }
            }
        }
        return new Lease(e, name, served, null);
    }

    /**
     * The tenant's configuration changed. If this replica routes the tenant to an adapter and the new
     * configuration names another (or none), the new adapter is loaded in the background and the route
     * switched, and the old adapter is unloaded once idle. Returns at once.
     */
    public void routeChanged(String tenant, long revision, String name, String source) {
        if (mode == Mode.RESOLVER) {
            return;
        }
        synchronized (lock) {
            Route r = routes.get(tenant);
            if (r == null || revision < r.revision) {
                return; // tenant not active here (loads lazily), or an older revision
            }
            if (name == null || source == null) {
                routes.remove(tenant);
                retireIfIdle(r.served);
            } else if (r.served.equals(servedName(name, source))) {
                routes.put(tenant, new Route(r.served, revision));
                return;
            }
        }
        if (name != null && source != null) {
            executor.execute(() -> {
                try (Lease lease = acquire(tenant, revision, name, source, false)) {
                    if (lease.fallback() != null) {
                        LOG.warnf("preloading adapter %s for tenant %s failed: %s", name, tenant, lease.fallback());
                    }
                } catch (RuntimeException ex) {
                    LOG.warnf(ex, "preloading adapter %s for tenant %s failed", name, tenant);
                }
            });
        }
    }

    /** Served names of the adapters loaded or being loaded, for diagnostics and tests. */
    public TreeSet<String> loaded() {
        synchronized (lock) {
            return new TreeSet<>(entries.keySet());
        }
    }

    /** The served adapter name a tenant is routed to, or null. */
    public String route(String tenant) {
        synchronized (lock) {
            Route r = routes.get(tenant);
            return r == null ? null : r.served;
        }
    }

    // ------------------------------------------------------------------ internals

    private void load(Entry e, CompletableFuture<Void> pendingUnload) {
        long start = System.nanoTime();
        try {
            if (pendingUnload != null) {
                try {
                    pendingUnload.get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException ignored) {
                    // the unload failed or hangs: load anyway, the server tolerates a repeated load
                }
            }
            api.loadLoraAdapter(e.served, e.source, loadTimeout);
            record(e.name, "success", start);
            LOG.infof("loaded LoRA adapter %s (%s) from %s in %d ms", e.served, e.name, e.source,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            synchronized (lock) {
                e.loaded = true;
            }
            e.ready.complete(null);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            fail(e, start, ex);
        } catch (RuntimeException ex) {
            fail(e, start, ex);
        }
    }

    private void fail(Entry e, long start, Exception ex) {
        record(e.name, "failure", start);
        String reason = LOAD_FAILED + ": " + describe(ex);
        LOG.warnf("loading LoRA adapter %s from %s failed: %s", e.served, e.source, describe(ex));
        synchronized (lock) {
            if (entries.get(e.served) == e) {
                entries.remove(e.served);
                updateGauge();
            }
            if (!retryAfterFailure.isZero() && !retryAfterFailure.isNegative()) {
                failures.put(e.served, new Failure(reason, System.nanoTime() + retryAfterFailure.toNanos()));
            }
        }
        e.ready.completeExceptionally(ex);
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown" : t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private void release(Entry e) {
        List<Entry> toUnload = new ArrayList<>();
        synchronized (lock) {
            e.refs--;
            e.lastUsed = ++tick;
            if (e.refs == 0 && e.loaded && entries.get(e.served) == e && !isRouted(e.served)) {
                entries.remove(e.served);
                toUnload.add(e);
            }
            toUnload.addAll(evictIdle(null));
            updateGauge();
        }
        toUnload.forEach(this::unload);
    }

    /** Under the lock: if no request holds the adapter and no tenant routes to it, removes it and unloads it. */
    private void retireIfIdle(String served) {
        Entry old = entries.get(served);
        if (old != null && old.refs == 0 && old.loaded && !isRouted(served)) {
            entries.remove(served);
            updateGauge();
            CompletableFuture<Void> done = markUnloading(old);
            executor.execute(() -> doUnload(old, done));
        }
    }

    /**
     * Under the lock: while more than {@code maxLoaded} adapters are loaded, removes the least recently used
     * one that no request holds (never {@code keep}, never one still loading) and returns them for unloading.
     */
    private List<Entry> evictIdle(Entry keep) {
        List<Entry> out = new ArrayList<>();
        while (entries.size() > maxLoaded) {
            Entry lru = null;
            for (Entry c : entries.values()) {
                if (c != keep && c.refs == 0 && c.loaded && (lru == null || c.lastUsed < lru.lastUsed)) {
                    lru = c;
                }
            }
            if (lru == null) {
                break; // everything else is in use or loading
            }
            entries.remove(lru.served);
            out.add(lru);
        }
        return out;
    }

    private boolean isRouted(String served) {
        for (Route r : routes.values()) {
            if (r.served.equals(served)) {
                return true;
            }
        }
        return false;
    }

    /** Outside the lock, for entries already removed under it; the future completes when the unload is done. */
    private CompletableFuture<Void> unload(Entry e) {
        CompletableFuture<Void> done;
        synchronized (lock) {
            done = markUnloading(e);
        }
        executor.execute(() -> doUnload(e, done));
        return done;
    }

    private void awaitQuietly(List<CompletableFuture<Void>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // an unload that fails or hangs must not block loading
        }
    }

    /** Under the lock: a later load of the same name waits for the returned future. */
    private CompletableFuture<Void> markUnloading(Entry e) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        unloading.put(e.served, done);
        return done;
    }

    private void doUnload(Entry e, CompletableFuture<Void> done) {
        try {
            api.unloadLoraAdapter(e.served, loadTimeout);
            count("freshrag.lora.unloads", e.name);
            LOG.infof("unloaded LoRA adapter %s (%s)", e.served, e.name);
        } catch (RuntimeException ex) {
            LOG.warnf("unloading LoRA adapter %s failed: %s", e.served, describe(ex));
        } finally {
            synchronized (lock) {
                unloading.remove(e.served, done);
            }
            done.complete(null);
        }
    }

    private void updateGauge() {
        int n = 0;
        for (Entry c : entries.values()) {
            if (c.loaded) {
                n++;
            }
        }
        loadedGauge.set(n);
    }

    private void count(String meter, String adapter) {
        Counter.builder(meter).tag("adapter", adapter).register(meters).increment();
    }

    private void failure(String adapter, String reason) {
        Counter.builder("freshrag.lora.failures").tag("adapter", adapter).tag("reason", reason).register(meters).increment();
    }

    private void record(String adapter, String outcome, long startNanos) {
        Timer.builder("freshrag.lora.load").tag("adapter", adapter).tag("outcome", outcome)
                .register(meters).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
