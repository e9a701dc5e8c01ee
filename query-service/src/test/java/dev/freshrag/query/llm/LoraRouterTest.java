package dev.freshrag.query.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adapter loading, routing, swaps, LRU unloading and fallbacks, against the LLM server double over HTTP. The
 * bookkeeping alone (reference counts, LRU) is tested without HTTP in {@link LoadedAdaptersTest}.
 */
@Timeout(120)
class LoraRouterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static VllmServerDouble server;
    private static OpenAiChatClient client;
    private SimpleMeterRegistry meters;
    private LoraRouter router;

    @BeforeAll
    static void start() {
        server = VllmServerDouble.start("base-model");
        client = new OpenAiChatClient(server.baseUrl(), Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(30),
                true, new ObjectMapper());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @BeforeEach
    void fresh() {
        server.reset();
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    private LoraRouter router(int maxLoaded, Duration retryAfterFailure) {
        router = new LoraRouter(client, LoraMode.RUNTIME, maxLoaded, WAIT, retryAfterFailure, meters);
        return router;
    }

    /** One request through a lease, as the answer service makes it. */
    private ChatResult chat(LoraRouter.Lease lease) {
        return client.complete(new ChatRequest(lease.model() != null ? lease.model() : "base-model", "q", 8, null));
    }

    /** Waits (bounded) until the double has seen the unload of {@code name}. */
    private static void awaitUnload(String name) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.calls("UNLOAD").stream().noneMatch(c -> c.model().equals(name))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no unload of " + name + "; calls: " + server.calls());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void loadsOnceBeforeTheFirstRequestAndRoutesByTheServedName() throws Exception {
        LoraRouter m = router(4, WAIT);
        String served = LoraRouter.servedName("acme-support", "/adapters/acme-v3");
        assertThat(served).matches("acme-support-[0-9a-f]{8}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/acme-v3")) {
                        assertThat(lease.fallback()).isNull();
                        return chat(lease).model();
                    }
                }));
            }
            for (Future<String> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(served);
            }
        } finally {
            pool.shutdownNow();
        }
        List<VllmServerDouble.Call> calls = server.calls();
        assertThat(server.calls("LOAD")).extracting(VllmServerDouble.Call::model, VllmServerDouble.Call::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(served, "/adapters/acme-v3"));
        assertThat(calls.get(0).kind()).as("the load comes before any chat: %s", calls).isEqualTo("LOAD");
        assertThat(server.calls("CHAT")).hasSize(8).allMatch(c -> c.model().equals(served));
        assertThat(server.calls("CHAT_UNKNOWN_MODEL")).isEmpty();
        assertThat(m.route("acme")).isEqualTo(served);
        assertThat(meters.get("freshrag.lora.requests").tag("adapter", "acme-support").counter().count()).isEqualTo(8);
        assertThat(meters.get("freshrag.lora.load").tag("adapter", "acme-support").tag("outcome", "success").timer().count()).isEqualTo(1);
        assertThat(meters.get("freshrag.lora.loaded").gauge().value()).isEqualTo(1);
    }

    @Test
    void leastRecentlyUsedIdleAdapterIsUnloadedNeverOneInUse() throws Exception {
        LoraRouter m = router(2, WAIT);
        String a = LoraRouter.servedName("a", "/adapters/a");
        String b = LoraRouter.servedName("b", "/adapters/b");
        String c = LoraRouter.servedName("c", "/adapters/c");
        String d = LoraRouter.servedName("d", "/adapters/d");
        // a is held by a request in flight the whole time; b is used after it
        LoraRouter.Lease aLease = m.acquire("ta", 1, "a", "/adapters/a");
        try (var lease = m.acquire("tb", 1, "b", "/adapters/b")) {
            chat(lease);
        }
        assertThat(server.loaded()).containsExactlyInAnyOrder(a, b);
        // c needs room: a is older but in use, so b (idle) goes
        try (var lease = m.acquire("tc", 1, "c", "/adapters/c")) {
            assertThat(lease.fallback()).isNull();
            chat(lease);
        }
        awaitUnload(b);
        assertThat(server.calls("UNLOAD")).extracting(VllmServerDouble.Call::model).containsExactly(b);
        assertThat(m.loaded()).containsExactlyInAnyOrder(a, c);
        // a is released; c was used after a's last use began, yet a's release counts as its latest use
        chat(aLease);
        aLease.close();
        try (var lease = m.acquire("tc", 1, "c", "/adapters/c")) {
            chat(lease); // c is now the most recently used
        }
        try (var lease = m.acquire("td", 1, "d", "/adapters/d")) {
            chat(lease);
        }
        awaitUnload(a);
        assertThat(server.calls("UNLOAD")).extracting(VllmServerDouble.Call::model).containsExactly(b, a);
        assertThat(m.loaded()).containsExactlyInAnyOrder(c, d);
        assertThat(server.maxLoadedAtOnce()).isLessThanOrEqualTo(2);
        assertThat(server.violations()).isEmpty();
        // an unloaded adapter comes back with a load on its next request
        try (var lease = m.acquire("tb", 1, "b", "/adapters/b")) {
            assertThat(chat(lease).model()).isEqualTo(b);
        }
        assertThat(server.calls("LOAD").stream().filter(x -> x.model().equals(b))).hasSize(2);
    }

    @Test
    void aSwapUnderConcurrentRequestsFailsNoneAndUnloadsOldAdaptersOnlyWhenIdle() throws Exception {
        LoraRouter m = router(3, WAIT);
        List<String> sources = List.of("/adapters/acme-v1", "/adapters/acme-v2", "/adapters/acme-v3", "/adapters/acme-v4");
        AtomicInteger revision = new AtomicInteger(1);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ok = new AtomicInteger();
        // the configuration each worker reads is whatever is current, as TenantConfigStore would give it
        String[] current = {sources.get(0)};
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            workers.add(pool.submit((Callable<Void>) () -> {
                while (running.get()) {
                    String source;
                    int rev;
                    synchronized (current) {
                        source = current[0];
                        rev = revision.get();
                    }
                    try (var lease = m.acquire("acme", rev, "acme-support", source)) {
                        if (lease.fallback() != null) {
                            throw new AssertionError("fell back: " + lease.fallback());
                        }
                        chat(lease);
                        ok.incrementAndGet();
                    } catch (Throwable t) {
                        errors.add(t);
                        return null;
                    }
                }
                return null;
            }));
        }
        for (int i = 1; i < sources.size(); i++) {
            int before = ok.get();
            while (ok.get() < before + 20 && errors.isEmpty()) {
                Thread.sleep(1);
            }
            synchronized (current) {
                current[0] = sources.get(i);
                m.routeChanged("acme", revision.incrementAndGet(), "acme-support", sources.get(i));
            }
        }
        int before = ok.get();
        while (ok.get() < before + 20 && errors.isEmpty()) {
            Thread.sleep(1);
        }
        running.set(false);
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertThat(errors).isEmpty();
        assertThat(server.calls("CHAT_UNKNOWN_MODEL")).as("no request reached an unloaded adapter").isEmpty();
        assertThat(server.violations()).as("no unload while requests were in flight").isEmpty();
        String last = LoraRouter.servedName("acme-support", sources.get(3));
        for (int i = 0; i < 3; i++) {
            awaitUnload(LoraRouter.servedName("acme-support", sources.get(i)));
        }
        assertThat(m.route("acme")).isEqualTo(last);
        assertThat(m.loaded()).containsExactly(last);
        assertThat(server.loaded()).containsExactly(last);
        // every adapter was loaded before its first chat
        List<VllmServerDouble.Call> calls = server.calls();
        for (String s : sources) {
            String served = LoraRouter.servedName("acme-support", s);
            int load = indexOf(calls, "LOAD", served);
            int firstChat = indexOf(calls, "CHAT", served);
            assertThat(load).isGreaterThanOrEqualTo(0);
            if (firstChat >= 0) {
                assertThat(load).isLessThan(firstChat);
            }
        }
    }

    private static int indexOf(List<VllmServerDouble.Call> calls, String kind, String model) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).kind().equals(kind) && calls.get(i).model().equals(model)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anOldAdapterStaysLoadedWhileARequestHoldsItAndGoesAfter() throws Exception {
        LoraRouter m = router(4, WAIT);
        String v1 = LoraRouter.servedName("acme-support", "/adapters/v1");
        String v2 = LoraRouter.servedName("acme-support", "/adapters/v2");
        try (var warm = m.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            chat(warm);
        }
        server.holdChatsFor(v1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<ChatResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(pool.submit(() -> {
                    try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/v1")) {
                        return chat(lease);
                    }
                }));
            }
            server.awaitHeld(3, WAIT);
            try (var lease = m.acquire("acme", 2, "acme-support", "/adapters/v2")) {
                assertThat(chat(lease).model()).isEqualTo(v2);
            }
            assertThat(m.route("acme")).isEqualTo(v2);
            assertThat(server.calls("UNLOAD")).as("v1 is still in use").isEmpty();
            assertThat(server.loaded()).contains(v1, v2);
            server.releaseChats();
            for (Future<ChatResult> f : inFlight) {
                assertThat(f.get(30, TimeUnit.SECONDS).model()).isEqualTo(v1);
            }
            awaitUnload(v1);
            assertThat(server.violations()).isEmpty();
            assertThat(server.loaded()).containsExactly(v2);
        } finally {
            server.releaseChats();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLoadFallsBackToTheBaseModelAndIsNotRetriedAtOnce() {
        LoraRouter m = router(4, Duration.ofHours(1));
        server.failLoadsOf("/adapters/missing", 404);
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/missing")) {
            assertThat(lease.model()).isNull();
            assertThat(lease.fallback()).startsWith(LoraRouter.LOAD_FAILED).contains("No adapter found");
            assertThat(chat(lease).model()).isEqualTo("base-model");
        }
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/missing")) {
            assertThat(lease.model()).isNull();
            assertThat(lease.fallback()).startsWith(LoraRouter.LOAD_FAILED);
        }
        assertThat(server.calls("LOAD_REFUSED")).hasSize(1);
        assertThat(m.loaded()).isEmpty();
        assertThat(meters.get("freshrag.lora.failures").tag("adapter", "acme-support").tag("reason", "load").counter().count()).isEqualTo(2);
        assertThat(meters.get("freshrag.lora.load").tag("outcome", "failure").timer().count()).isEqualTo(1);
    }

    @Test
    void withoutARetryPauseAFailedLoadIsTriedAgain() {
        LoraRouter m = router(4, Duration.ZERO);
        server.failLoadsOf("/adapters/flaky", 500);
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/flaky")) {
            assertThat(lease.model()).isNull();
        }
        server.reset();
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/flaky")) {
            assertThat(lease.fallback()).isNull();
            assertThat(lease.model()).isEqualTo(LoraRouter.servedName("acme-support", "/adapters/flaky"));
        }
    }

    @Test
    void anAdapterTheServerForgotIsLoadedAgain() {
        LoraRouter m = router(4, WAIT);
        String served = LoraRouter.servedName("acme-support", "/adapters/v1");
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            chat(lease);
        }
        server.forget(served); // e.g. the vLLM server restarted
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            try {
                chat(lease);
                throw new AssertionError("the server should not know " + served);
            } catch (LlmException e) {
                assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
                lease.notFound();
            }
        }
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            assertThat(chat(lease).model()).isEqualTo(served);
        }
        assertThat(server.calls("LOAD")).hasSize(2);
        assertThat(server.calls("UNLOAD")).isEmpty();
    }

    @Test
    void removingATenantsAdapterUnloadsIt() throws Exception {
        LoraRouter m = router(4, WAIT);
        String served = LoraRouter.servedName("acme-support", "/adapters/v1");
        try (var lease = m.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            chat(lease);
        }
        m.routeChanged("acme", 2, null, null);
        awaitUnload(served);
        assertThat(m.route("acme")).isNull();
        assertThat(server.loaded()).isEmpty();
    }

    @Test
    void resolverModeRoutesByNameAndNeverLoads() {
        router = new LoraRouter(client, LoraMode.RESOLVER, 1, WAIT, WAIT, meters);
        server.preload("acme-support"); // the resolver found it on shared storage
        try (var lease = router.acquire("acme", 1, "acme-support", "/ignored")) {
            assertThat(lease.model()).isEqualTo("acme-support");
            assertThat(chat(lease).model()).isEqualTo("acme-support");
        }
        router.routeChanged("acme", 2, "other", "/x");
        assertThat(server.calls("LOAD")).isEmpty();
        assertThat(server.calls("LOAD_REFUSED")).isEmpty();
        assertThat(server.calls("UNLOAD")).isEmpty();
    }

    @Test
    void servedNamesDifferBySource() {
        assertThat(LoraRouter.servedName("a", "/x")).isNotEqualTo(LoraRouter.servedName("a", "/y"));
        assertThat(LoraRouter.servedName("a", "/x")).isEqualTo(LoraRouter.servedName("a", "/x"));
    }

    @Test
    void aSlowLoadIsSharedByConcurrentRequests() throws Exception {
        LoraRouter m = router(4, WAIT);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    try (var lease = m.acquire("t" + Thread.currentThread().getId(), 1, "shared", "/adapters/shared")) {
                        return lease.model();
                    }
                }));
            }
            go.countDown();
            for (Future<String> f : fs) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(LoraRouter.servedName("shared", "/adapters/shared"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.calls("LOAD")).hasSize(1);
        assertThat(server.calls("LOAD_REFUSED")).isEmpty();
    }

    // ------------------------------------------------------------------ the unload race, in chosen orders

    /** Background tasks (unloads) kept until the test runs them, so that a request can come between. */
    private static Executor queue(List<Runnable> queued) {
        return queued::add;
    }

    private static void runAll(List<Runnable> queued) {
        List<Runnable> now;
        synchronized (queued) {
            now = new ArrayList<>(queued);
            queued.clear();
        }
        now.forEach(Runnable::run);
    }

    private static long count(String kind, String model) {
        return server.calls(kind).stream().filter(c -> c.model().equals(model)).count();
    }

    /**
     * The swap back: v1 is retired (its unload handed to the background) and, before the unload is sent, the tenant's
     * configuration names v1 again. The request keeps v1, which is still loaded, and the unload is not sent. Before the
     * fix the request loaded v1 again (a repeat the server accepts), the unload landed after it, and the request got a
     * 404 from the server.
     */
    @Test
    void anAdapterAcquiredAgainBeforeItsUnloadIsSentStaysLoadedAndServesTheRequest() {
        List<Runnable> queued = Collections.synchronizedList(new ArrayList<>());
        router = new LoraRouter(client, LoraMode.RUNTIME, 4, Duration.ofSeconds(1), WAIT, meters, queue(queued));
        String v1 = LoraRouter.servedName("acme-support", "/adapters/v1");
        try (var lease = router.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            chat(lease);
        }
        try (var lease = router.acquire("acme", 2, "acme-support", "/adapters/v2")) {
            chat(lease);
        }
        assertThat(queued).as("v1's unload, handed to the background").hasSize(1);

        try (var lease = router.acquire("acme", 3, "acme-support", "/adapters/v1")) {
            assertThat(lease.fallback()).isNull();
            assertThat(lease.model()).isEqualTo(v1);
            runAll(queued); // the unload's turn comes now, after the request took v1 back
            assertThat(chat(lease).model()).isEqualTo(v1);
        }
        assertThat(server.calls("CHAT_UNKNOWN_MODEL")).isEmpty();
        assertThat(count("UNLOAD", v1)).as("the cancelled unload was not sent").isZero();
        assertThat(count("LOAD", v1)).as("kept, not loaded again").isEqualTo(1);
        assertThat(server.loaded()).contains(v1);
        assertThat(router.route("acme")).isEqualTo(v1);
    }

    /**
     * The swap back while v1's unload is already on the wire (the server holds it): the request loads v1 again only
     * once the unload has been answered, so the unload cannot land after the reload.
     */
    @Test
    void anAdapterAcquiredAgainWhileItsUnloadIsUnderWayIsLoadedAgainOnlyAfterIt() throws Exception {
        List<Runnable> queued = Collections.synchronizedList(new ArrayList<>());
        router = new LoraRouter(client, LoraMode.RUNTIME, 4, WAIT, WAIT, meters, queue(queued));
        String v1 = LoraRouter.servedName("acme-support", "/adapters/v1");
        try (var lease = router.acquire("acme", 1, "acme-support", "/adapters/v1")) {
            chat(lease);
        }
        try (var lease = router.acquire("acme", 2, "acme-support", "/adapters/v2")) {
            chat(lease);
        }
        server.holdUnloads();
        Thread unloader = new Thread(() -> runAll(queued), "test-unloader");
        unloader.start();
        server.awaitUnloadsHeld(1, WAIT);

        CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
            try (var lease = router.acquire("acme", 3, "acme-support", "/adapters/v1")) {
                return chat(lease).model();
            }
        });
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!router.loaded().contains(v1)) {
            assertThat(System.nanoTime()).as("the request claims v1").isLessThan(deadline);
            Thread.sleep(2);
        }
        Thread.sleep(200); // time enough for a load that did not wait to reach the server
        assertThat(count("LOAD", v1)).as("no reload while the unload is under way").isEqualTo(1);
        assertThat(request).isNotDone();

        server.releaseUnloads();
        assertThat(request.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(v1);
        unloader.join(WAIT.toMillis());
        List<VllmServerDouble.Call> calls = server.calls();
        int unload = indexOf(calls, "UNLOAD", v1);
        int reload = -1;
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).kind().equals("LOAD") && calls.get(i).model().equals(v1)) {
                reload = i;
            }
        }
        assertThat(unload).isGreaterThanOrEqualTo(0).isLessThan(reload);
        assertThat(server.calls("CHAT_UNKNOWN_MODEL")).isEmpty();
        assertThat(server.loaded()).contains(v1);
    }
}
