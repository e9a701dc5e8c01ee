package dev.freshrag.query.llm;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Which LoRA adapter a tenant's request is routed to on the LLM server, and the fallback to the base model
 * when it cannot be used. Which adapters are loaded is kept by {@link LoadedAdapters}; this class does the
 * loads and unloads it asks for (through {@link LoraAdmin}) and keeps the tenants' routes.
 *
 * <p><b>Runtime mode</b> (one vLLM replica with {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING}): an adapter
 * {@code (name, source)} is served under {@code name-<first 8 hex of sha256(source)>}, so a new source is a
 * new served name. Before the first request that needs it, the adapter is loaded ({@code load_lora_adapter});
 * concurrent requests wait for the same load. Every request holds a {@link Lease} on its adapter while it
 * runs. When a tenant's adapter changes (a swap) the new one is loaded first, then the tenant's route switches
 * in one step, and the old adapter is unloaded only once no request holds it and no tenant routes to it. A
 * failed load makes the request use the base model ({@link Lease#fallback()}); further requests do so without
 * trying again for {@code retryAfterFailure}.
 *
 * <p><b>Resolver mode</b> (several vLLM replicas resolving adapters by name from shared storage): nothing is
 * loaded or unloaded; requests are routed by the adapter's name as configured.
 */
public final class LoraRouter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoraRouter.class);

    /** Fallback reasons (the start of {@link Lease#fallback()}). */
    public static final String LOAD_FAILED = "adapter-load-failed";
    public static final String LOAD_TIMEOUT = "adapter-load-timeout";
    public static final String UNKNOWN = "adapter-unknown";

    private final LoraAdmin api;
    private final LoraMode mode;
    private final Duration loadTimeout;
    private final Duration retryAfterFailure;
    private final TenantRoutes routes = new TenantRoutes();
    private final LoadedAdapters adapters;
    private final LoraMetrics metrics;
    /** Runs unloads and preloads in the background. */
    private final Executor executor;
    /** The executor this router made and shuts down on close; null when it was given one. */
    private final ExecutorService ownExecutor;
    /** Served names whose last load failed, until when requests skip loading. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private record Failure(String reason, long untilNanos) {
    }

    public LoraRouter(LoraAdmin api, LoraMode mode, int maxLoaded, Duration loadTimeout, Duration retryAfterFailure,
                      MeterRegistry meters) {
        this(api, mode, maxLoaded, loadTimeout, retryAfterFailure, meters, null);
    }

    /**
     * @param background runs unloads and preloads; null for a pool of this router's own. Tests pass one that runs
     *                   tasks when told, to put an unload and a request in a chosen order.
     */
    LoraRouter(LoraAdmin api, LoraMode mode, int maxLoaded, Duration loadTimeout, Duration retryAfterFailure,
               MeterRegistry meters, Executor background) {
        this.api = api;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.loadTimeout = loadTimeout;
        this.retryAfterFailure = retryAfterFailure;
        this.adapters = new LoadedAdapters(maxLoaded, routes::routesTo);
        this.metrics = new LoraMetrics(Objects.requireNonNull(meters, "meters"), adapters);
        this.ownExecutor = background != null ? null : Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "freshrag-lora");
            t.setDaemon(true);
            return t;
        });
        this.executor = background != null ? background : ownExecutor;
    }

    public LoraMode mode() {
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
        private final LoadedAdapters.Adapter adapter;
        private final String adapterName;
        private final String model;
        private final String fallback;
        private boolean closed;

        private Lease(LoadedAdapters.Adapter adapter, String adapterName, String model, String fallback) {
            this.adapter = adapter;
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

        /**
         * The server answered that it does not know this adapter (restarted, or unloaded by someone else): it
         * is forgotten without an unload, so that the next {@link #acquire} loads it again.
         */
        public void notFound() {
            metrics.failure(adapterName, LoraMetrics.NOT_FOUND);
            if (adapter != null) {
                adapters.forget(adapter);
            }
        }

        /** The request failed on this adapter for another reason (timeout, 5xx). */
        public void failed() {
            metrics.failure(adapterName, LoraMetrics.REQUEST);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            if (adapter != null) {
                release(adapter);
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
            metrics.request(name);
        }
        if (mode == LoraMode.RESOLVER) {
            return new Lease(null, name, name, null);
        }
        Objects.requireNonNull(source, "source");
        String served = servedName(name, source);
        String paused = pausedAfterFailure(served);
        if (paused != null) {
            if (forRequest) {
                metrics.failure(name, LoraMetrics.LOAD);
            }
            return new Lease(null, name, null, paused);
        }
        LoadedAdapters.Claim claim = adapters.claim(served, name, source);
        LoadedAdapters.Adapter a = claim.adapter();
        List<CompletableFuture<Void>> room = new ArrayList<>();
        claim.toUnload().forEach(x -> room.add(unload(x)));
        if (claim.mustLoad()) {
            // the evicted adapters are gone from the server before the new one arrives: never more than maxLoaded
            awaitQuietly(room);
            load(a, claim.pendingUnload());
        }
        try {
            a.ready().get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException ex) {
            release(a);
            if (forRequest) {
                metrics.failure(name, LoraMetrics.LOAD);
            }
            return new Lease(null, name, null, LOAD_TIMEOUT + ": adapter " + name + " was not loaded within " + loadTimeout);
        } catch (ExecutionException ex) {
            release(a);
            if (forRequest) {
                metrics.failure(name, LoraMetrics.LOAD);
            }
            // the tenant's adapter cannot be loaded: no route, so the adapter it used before can go
            retire(routes.drop(tenant, revision));
            return new Lease(null, name, null, LOAD_FAILED + ": " + describe(ex.getCause()));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            release(a);
            return new Lease(null, name, null, LOAD_TIMEOUT + ": interrupted");
        }
        // the switch: from here on the tenant's requests use the new adapter; the old one goes when idle
        retire(routes.switchTo(tenant, served, revision));
        return new Lease(a, name, served, null);
    }

    /**
     * The tenant's configuration changed. If this replica routes the tenant to an adapter and the new
     * configuration names another (or none), the new adapter is loaded in the background and the route
     * switched, and the old adapter is unloaded once idle. Returns at once.
     */
    public void routeChanged(String tenant, long revision, String name, String source) {
        if (mode == LoraMode.RESOLVER) {
            return;
        }
        TenantRoutes.Route r = routes.get(tenant);
        if (r == null || revision < r.revision()) {
            return; // tenant not active here (loads lazily), or an older revision
        }
        if (name == null || source == null) {
            retire(routes.drop(tenant, revision));
            return;
        }
        if (r.served().equals(servedName(name, source))) {
            routes.switchTo(tenant, r.served(), revision);
            return;
        }
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

    /** Served names of the adapters loaded or being loaded, for diagnostics and tests. */
    public TreeSet<String> loaded() {
        return adapters.servedNames();
    }

    /** The served adapter name a tenant is routed to, or null. */
    public String route(String tenant) {
        TenantRoutes.Route r = routes.get(tenant);
        return r == null ? null : r.served();
    }

    // ------------------------------------------------------------------ loads and unloads

    private String pausedAfterFailure(String served) {
        Failure f = failures.get(served);
        if (f == null) {
            return null;
        }
        if (System.nanoTime() - f.untilNanos() < 0) {
            return f.reason();
        }
        failures.remove(served, f);
        return null;
    }

    private void load(LoadedAdapters.Adapter a, CompletableFuture<Void> pendingUnload) {
        long start = System.nanoTime();
        try {
            if (pendingUnload != null) {
                // Never load while an unload of the same name is under way: the server would take the load as a
                // repeat ("already loaded"), then carry out the unload and answer 404 to the requests. The unload call
                // ends within its own timeout (loadTimeout) and always completes the future, so this wait is bounded;
                // twice the timeout only guards against a bug, and then the load fails rather than race.
                try {
                    pendingUnload.get(2 * loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException ex) {
                    throw new IllegalStateException("the unload of " + a.served() + " did not finish within " + loadTimeout.multipliedBy(2), ex);
                }
            }
            api.loadLoraAdapter(a.served(), a.source(), loadTimeout);
            metrics.load(a.name(), true, start);
            LOG.infof("loaded LoRA adapter %s (%s) from %s in %d ms", a.served(), a.name(), a.source(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            adapters.loaded(a);
            a.ready().complete(null);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            loadFailed(a, start, ex);
        } catch (RuntimeException ex) {
            loadFailed(a, start, ex);
        }
    }

    private void loadFailed(LoadedAdapters.Adapter a, long start, Exception ex) {
        metrics.load(a.name(), false, start);
        LOG.warnf("loading LoRA adapter %s from %s failed: %s", a.served(), a.source(), describe(ex));
        adapters.forget(a);
        if (!retryAfterFailure.isZero() && !retryAfterFailure.isNegative()) {
            failures.put(a.served(), new Failure(LOAD_FAILED + ": " + describe(ex), System.nanoTime() + retryAfterFailure.toNanos()));
        }
        a.ready().completeExceptionally(ex);
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown" : t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private void release(LoadedAdapters.Adapter a) {
        adapters.release(a).forEach(this::unload);
    }

    /** A tenant no longer routes to {@code served} (null: nothing to do): unload it if no request holds it. */
    private void retire(String served) {
        if (served != null) {
            adapters.retireIfIdle(served).ifPresent(this::unload);
        }
    }

    /** For an adapter the set handed out for unloading; the future completes when the unload is done. */
    private CompletableFuture<Void> unload(LoadedAdapters.Adapter a) {
        CompletableFuture<Void> done = a.unloaded();
        executor.execute(() -> {
            if (!adapters.startUnload(a)) {
                LOG.debugf("unload of LoRA adapter %s cancelled: claimed again before it was sent", a.served());
                return;
            }
            try {
                api.unloadLoraAdapter(a.served(), loadTimeout);
                metrics.unload(a.name());
                LOG.infof("unloaded LoRA adapter %s (%s)", a.served(), a.name());
            } catch (RuntimeException ex) {
                LOG.warnf("unloading LoRA adapter %s failed: %s", a.served(), describe(ex));
            } finally {
                adapters.unloadFinished(a);
            }
        });
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

    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }
}
