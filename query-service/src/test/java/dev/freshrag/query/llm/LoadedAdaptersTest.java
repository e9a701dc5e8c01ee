package dev.freshrag.query.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loaded-adapter bookkeeping on its own: no HTTP, no server; the test plays the caller that loads and unloads. */
@Timeout(60)
class LoadedAdaptersTest {

    /** Served names a tenant routes to, as {@link TenantRoutes} would answer. */
    private final Set<String> routed = ConcurrentHashMap.newKeySet();

    private LoadedAdapters set(int maxLoaded) {
        return new LoadedAdapters(maxLoaded, routed::contains);
    }

    /** Claims and, as the router does for the claim that created the entry, marks it loaded. */
    private static LoadedAdapters.Claim claimLoaded(LoadedAdapters set, String served) {
        LoadedAdapters.Claim c = set.claim(served, served, "/adapters/" + served);
        if (c.mustLoad()) {
            set.loaded(c.adapter());
        }
        return c;
    }

    private static List<String> served(List<LoadedAdapters.Adapter> adapters) {
        return adapters.stream().map(LoadedAdapters.Adapter::served).toList();
    }

    @Test
    void onlyTheFirstClaimLoadsAndEveryClaimCounts() {
        LoadedAdapters set = set(4);
        routed.add("a");
        LoadedAdapters.Claim first = set.claim("a", "a", "/adapters/a");
        LoadedAdapters.Claim second = set.claim("a", "a", "/adapters/a");
        assertThat(first.mustLoad()).isTrue();
        assertThat(second.mustLoad()).isFalse();
        assertThat(second.adapter()).isSameAs(first.adapter());
        assertThat(set.refs("a")).isEqualTo(2);
        assertThat(set.loadedCount()).as("still loading").isZero();
        set.loaded(first.adapter());
        assertThat(set.loadedCount()).isEqualTo(1);
        assertThat(set.release(first.adapter())).isEmpty();
        assertThat(set.release(second.adapter())).as("a tenant routes to it: it stays").isEmpty();
        assertThat(set.refs("a")).isZero();
        assertThat(set.servedNames()).containsExactly("a");
        assertThatThrownBy(() -> set.release(first.adapter())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLeastRecentlyUsedIdleAdapterMakesRoomNeverOneInUse() {
        LoadedAdapters set = set(2);
        routed.addAll(List.of("a", "b", "c", "d"));
        LoadedAdapters.Claim a = claimLoaded(set, "a"); // held the whole time
        set.release(claimLoaded(set, "b").adapter());
        LoadedAdapters.Claim c = claimLoaded(set, "c");
        assertThat(served(c.toUnload())).as("a is older but in use").containsExactly("b");
        assertThat(set.servedNames()).containsExactly("a", "c");
        set.release(c.adapter());
        set.release(a.adapter()); // a's release is its latest use: c is now the older one
        LoadedAdapters.Claim d = claimLoaded(set, "d");
        assertThat(served(d.toUnload())).containsExactly("c");
        assertThat(set.servedNames()).containsExactly("a", "d");
    }

    @Test
    void whenEveryAdapterIsInUseOneMoreStaysUntilOneIsIdle() {
        LoadedAdapters set = set(1);
        routed.addAll(List.of("a", "b"));
        LoadedAdapters.Claim a = claimLoaded(set, "a");
        LoadedAdapters.Claim b = claimLoaded(set, "b");
        assertThat(b.toUnload()).isEmpty();
        assertThat(set.loadedCount()).isEqualTo(2);
        assertThat(served(set.release(a.adapter()))).containsExactly("a");
        assertThat(set.loadedCount()).isEqualTo(1);
        assertThat(set.release(b.adapter())).isEmpty();
    }

    @Test
    void anAdapterStillLoadingIsNeverEvicted() {
        LoadedAdapters set = set(1);
        LoadedAdapters.Claim loading = set.claim("a", "a", "/adapters/a");
        set.release(loading.adapter()); // its request gave up waiting; the load goes on
        LoadedAdapters.Claim b = claimLoaded(set, "b");
        assertThat(b.toUnload()).isEmpty();
        assertThat(set.servedNames()).containsExactly("a", "b");
    }

    @Test
    void anIdleAdapterNoTenantRoutesToIsGivenUpAndItsUnloadAwaitedByTheNextLoad() {
        LoadedAdapters set = set(4);
        routed.add("old");
        LoadedAdapters.Claim held = claimLoaded(set, "old");
        routed.remove("old"); // the tenant switched to another adapter
        assertThat(set.retireIfIdle("old")).as("a request still holds it").isEmpty();
        List<LoadedAdapters.Adapter> out = set.release(held.adapter());
        assertThat(served(out)).containsExactly("old");
        assertThat(set.startUnload(out.get(0))).as("the unload call is under way").isTrue();
        LoadedAdapters.Claim again = set.claim("old", "old", "/adapters/old");
        assertThat(again.mustLoad()).isTrue();
        assertThat(again.adapter()).isNotSameAs(held.adapter());
        assertThat(again.pendingUnload()).isSameAs(out.get(0).unloaded()).isNotDone();
        set.unloadFinished(out.get(0));
        assertThat(again.pendingUnload()).isDone();
        assertThat(set.claim("other", "other", "/x").pendingUnload()).isNull();
    }

    /**
     * The interleaving of the unload race: the adapter is handed out for unloading and, before the unload call is sent,
     * claimed again. The claim takes it back (it is still loaded on the server) and the unload is cancelled: without
     * that, the reload would land first and the unload after it, leaving requests routed to an adapter the server no
     * longer has (404).
     */
    @Test
    void aClaimBeforeTheUnloadIsSentCancelsItAndKeepsTheAdapter() {
        LoadedAdapters set = set(4);
        LoadedAdapters.Claim first = claimLoaded(set, "old");
        List<LoadedAdapters.Adapter> out = set.release(first.adapter()); // no tenant routes to it: handed out
        assertThat(served(out)).containsExactly("old");
        var handedOutUnload = out.get(0).unloaded();
        assertThat(handedOutUnload).isNotDone();

        LoadedAdapters.Claim again = set.claim("old", "old", "/adapters/old");

        assertThat(again.adapter()).isSameAs(first.adapter());
        assertThat(again.mustLoad()).as("still loaded on the server: no reload").isFalse();
        assertThat(again.pendingUnload()).isNull();
        assertThat(handedOutUnload).as("whoever waited for the room goes on").isDone();
        assertThat(set.startUnload(out.get(0))).as("the cancelled unload is not sent").isFalse();
        assertThat(set.refs("old")).isEqualTo(1);
        assertThat(set.servedNames()).containsExactly("old");
        assertThat(set.loadedCount()).isEqualTo(1);

        // handed out again later: a new unload, not the cancelled one
        List<LoadedAdapters.Adapter> later = set.release(again.adapter());
        assertThat(served(later)).containsExactly("old");
        assertThat(later.get(0).unloaded()).isNotDone();
        assertThat(set.startUnload(later.get(0))).isTrue();
        LoadedAdapters.Claim reload = set.claim("old", "old", "/adapters/old");
        assertThat(reload.mustLoad()).as("the unload is under way: load again after it").isTrue();
        assertThat(reload.pendingUnload()).isSameAs(later.get(0).unloaded()).isNotDone();
        set.unloadFinished(later.get(0));
        assertThat(reload.pendingUnload()).isDone();
    }

    @Test
    void retiringAnIdleUnroutedAdapterHandsItOutOnce() {
        LoadedAdapters set = set(4);
        routed.add("x");
        set.release(claimLoaded(set, "x").adapter());
        assertThat(set.retireIfIdle("x")).as("still routed").isEmpty();
        routed.remove("x");
        assertThat(set.retireIfIdle("x")).isPresent();
        assertThat(set.retireIfIdle("x")).isEmpty();
        assertThat(set.loadedCount()).isZero();
    }

    @Test
    void aForgottenAdapterIsLoadedAgainWithoutAnUnload() {
        LoadedAdapters set = set(4);
        routed.add("a");
        LoadedAdapters.Claim a = claimLoaded(set, "a");
        set.forget(a.adapter()); // the server restarted
        assertThat(set.release(a.adapter())).isEmpty();
        LoadedAdapters.Claim again = set.claim("a", "a", "/adapters/a");
        assertThat(again.mustLoad()).isTrue();
        assertThat(again.pendingUnload()).isNull();
    }

    @Test
    void maxLoadedBelowOneIsRefused() {
        assertThatThrownBy(() -> set(0)).hasMessageContaining("freshrag.lora.max-loaded");
    }

    /**
     * Many requests at once on more adapters than fit: no adapter is handed out for unloading while a request holds
     * it, no claim returns an adapter already handed out, at most {@code maxLoaded} stay once all are idle, and every
     * reference count returns to zero.
     */
    @Test
    void underConcurrentRequestsAnAdapterInUseIsNeverUnloadedAndCountsReturnToZero() throws Exception {
        int maxLoaded = 3;
        List<String> names = List.of("a", "b", "c", "d", "e", "f");
        routed.addAll(names.subList(0, 4)); // two adapters nobody routes to: given up as soon as idle
        LoadedAdapters set = set(maxLoaded);
        Map<LoadedAdapters.Adapter, AtomicInteger> holders = new ConcurrentHashMap<>();
        Set<LoadedAdapters.Adapter> handedOut = ConcurrentHashMap.newKeySet();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger unloads = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 5_000; i++) {
                        String name = names.get(random.nextInt(names.size()));
                        LoadedAdapters.Claim c = set.claim(name, name, "/adapters/" + name);
                        LoadedAdapters.Adapter a = c.adapter();
                        if (handedOut.contains(a)) {
                            violations.add("claimed " + name + " after its unload was sent");
                        }
                        holders.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
                        check(set, c.toUnload(), holders, handedOut, violations, unloads);
                        if (c.mustLoad()) {
                            set.loaded(a);
                        }
                        if (random.nextInt(4) == 0) {
                            Thread.yield(); // the request runs a while
                        }
                        holders.get(a).decrementAndGet();
                        check(set, set.release(a), holders, handedOut, violations, unloads);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : workers) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();
        assertThat(unloads.get()).as("the workload did evict").isPositive();
        for (String name : names) {
            assertThat(set.refs(name)).as("references on %s", name).isZero();
        }
        assertThat(set.loadedCount()).isLessThanOrEqualTo(maxLoaded);
        assertThat(set.servedNames()).as("idle adapters no tenant routes to are gone").doesNotContain("e", "f");
    }

    /** Plays the router's unload: send it unless a claim took the adapter back first (then it is not sent). */
    private static void check(LoadedAdapters set, List<LoadedAdapters.Adapter> toUnload, Map<LoadedAdapters.Adapter, AtomicInteger> holders,
                              Set<LoadedAdapters.Adapter> handedOut, List<String> violations, AtomicInteger unloads) {
        for (LoadedAdapters.Adapter a : toUnload) {
            if (!set.startUnload(a)) {
                continue; // claimed again before the unload was sent: cancelled, and held by that claim
            }
            int held = holders.getOrDefault(a, new AtomicInteger()).get();
            if (held != 0) {
                violations.add(a.served() + " unloaded while " + held + " requests held it");
            }
            if (!handedOut.add(a)) {
                violations.add(a.served() + " unloaded twice");
            }
            unloads.incrementAndGet();
            set.unloadFinished(a);
        }
    }
}
