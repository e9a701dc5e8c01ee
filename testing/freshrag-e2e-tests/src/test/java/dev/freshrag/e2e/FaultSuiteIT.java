package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.Op;
import dev.freshrag.events.WriteToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault suite of issue 12, on the real broker and the three packaged services: each scenario runs a
 * {@link ChangeStream} (a content system writing to kb.doc-changes without pause), injects its fault mid-stream,
 * then proves that the pipeline serves again without a manual step (a PUT made right after the fault ended is
 * searchable with {@code "consistent": true}) and that the index equals the {@link ContractModel} of newest versions
 * for every event written before, during and after the fault: nothing lost, nothing stale. Each prints one line
 * {@code FAULT <name>: did <what>; found <what>; recovered in <s> s; index == model} (the README's figures).
 *
 * <p>It uses the shared stack of this JVM: the scenarios stop services and the broker, and every test class of this
 * module runs one after the other in one JVM, so nothing else runs meanwhile; each scenario waits until everything
 * it wrote is applied before it returns. The hostile documents are in {@link HostileDocumentsIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    /** Generous: far above what a recovery takes here (seconds), far below a stuck pipeline. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);
    /** Events the stream writes before a fault (so it is mid-stream) and after it. */
    private static final int BEFORE = 10;
    private static final int AFTER = 10;
    private static final Duration PAUSE = Duration.ofMillis(150);

    private static PipelineStack stack;
    private static IndexInspector inspector;
    private final long seed = Long.getLong("freshrag.faults.seed", new Random().nextLong());

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
        inspector = new IndexInspector(stack);
    }

    @AfterAll
    static void stop() {
        inspector.close();
    }

    /** What a fault did and what the test found while it lasted, for the FAULT line. */
    record Outcome(String did, String found) {
    }

    @Test
    @Order(1)
    void ingestServiceRestartMidStream() {
        scenario("ingest-restart", stream -> {
            long t0 = System.nanoTime();
            int before = stream.produced();
            stack.restartIngest();
            return new Outcome("SIGTERM + start of the ingest-service while events flowed",
                    String.format("ready again %.1f s after SIGTERM; %d events written meanwhile", seconds(t0), stream.produced() - before));
        });
    }

    @Test
    @Order(2)
    void embedServiceRestartMidStream() {
        scenario("embed-restart", stream -> {
            long t0 = System.nanoTime();
            int before = stream.produced();
            stack.restartEmbed();
            return new Outcome("SIGTERM + start of the embed-service while events flowed",
                    String.format("ready again %.1f s after SIGTERM; %d events written meanwhile", seconds(t0), stream.produced() - before));
        });
    }

    @Test
    @Order(3)
    void queryServiceRestartMidStream() {
        scenario("query-restart", stream -> {
            long t0 = System.nanoTime();
            int before = stream.produced();
            stack.restartQuery();
            return new Outcome("SIGTERM + start of the query-service while events flowed",
                    String.format("ready again %.1f s after SIGTERM; %d events written meanwhile", seconds(t0), stream.produced() - before));
        });
    }

    /**
     * SIGKILL of the embed-service with work verifiably pending. Before the kill: a burst of new documents is written
     * and the test waits until the embed-service has applied part of it while its consumer group's committed offsets
     * on kb.chunk-ops are still behind the topic's end; after the kill (the dead process can commit nothing more)
     * the committed offsets are read again and must still be behind the end offsets read before the kill: those
     * records were on the topic but not done when it died, and the new process must do them.
     */
    @Test
    @Order(4)
    void embedServiceSigkillWithWorkPending() {
        scenario("embed-sigkill", stream -> {
            String tenant = stream.tenant() + "-burst";
            // several seconds of model time: a backlog's slices share one commit for up to
            // freshrag.batching.backlog-commit-interval (1 s), so a burst the model embeds within that lands in one
            // write and leaves no moment with part of it applied to kill in
            ContractModel.Step[] burst = new ContractModel.Step[96];
            HistoryGenerator g = new HistoryGenerator(new Random(seed), 1, 0, "burst");
            List<WriteToken> tokens = new ArrayList<>();
            for (int i = 0; i < burst.length; i++) {
                ContractModel.Step s = g.next();
                // documents of their own: each a versioned UPSERT with fresh text to embed
                s = new ContractModel.Step(0, "burst-" + i, 1L, Op.UPSERT,
                        s.paragraphs().isEmpty() ? List.of("burst " + i + " fallback paragraph about lighthouses.") : s.paragraphs(),
                        s.serial(), false);
                burst[i] = s;
                tokens.add(stack.produce(s.event(tenant)));
            }
            Map<Integer, Long> end;
            Map<Integer, Long> committed;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                end = ChunkOpsLag.endOffsets(stack.broker);
                committed = ChunkOpsLag.committedOffsets(stack.broker);
                int applied = inspector.appliedCount(tokens);
                if (applied > 0 && applied < tokens.size() && ChunkOpsLag.behind(end, committed) > 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("never caught the embed-service in the middle of the burst: applied %d of %d, end %s, committed %s",
                            applied, tokens.size(), end, committed);
                }
                sleep(10);
            }
            Map<Integer, Long> endBeforeKill = end;
            Map<Integer, Long> committedBeforeKill = committed;
            int appliedBeforeKill = inspector.appliedCount(tokens);
            AtomicReference<Map<Integer, Long>> committedAfterKill = new AtomicReference<>();
            stack.crashAndRestartEmbed(() -> committedAfterKill.set(ChunkOpsLag.committedOffsets(stack.broker)));
            long pending = ChunkOpsLag.behind(endBeforeKill, committedAfterKill.get());
            System.out.printf("embed-sigkill: before the kill kb.chunk-ops end offsets %s, committed by %s %s; after the kill "
                    + "committed %s: %d records pending; %d of %d burst documents were in the index%n", endBeforeKill, ChunkOpsLag.GROUP,
                    committedBeforeKill, committedAfterKill.get(), pending, appliedBeforeKill, tokens.size());
            assertThat(pending).as("records on kb.chunk-ops before the kill that the killed process had not committed").isPositive();
            inspector.awaitApplied(tokens, RECOVERY_BOUND);
            for (ContractModel.Step s : burst) {
                stream.model().apply(tenant, s);
            }
            return new Outcome("kill -9 of the embed-service with a burst of " + tokens.size() + " documents partly applied, then a new process",
                    pending + " kb.chunk-ops records were pending (end offsets " + endBeforeKill + " before the kill, committed "
                            + committedAfterKill.get() + " after it); " + appliedBeforeKill + " of " + tokens.size()
                            + " burst documents were in the index at the kill, all after");
        });
    }

    /**
     * A Lucene directory that refuses writes: {@code chattr +i} on the index directory makes creating a file fail
     * even for root (ext4), so every flush and commit fails while events flow. The embed-service must report it
     * (readiness DOWN with its consecutive index failures, the retry counter) and recover by itself once the
     * directory takes writes again.
     */
    @Test
    @Order(5)
    void indexDirectoryRefusingWrites() throws Exception {
        Assumptions.assumeTrue(Immutable.available(), "chattr (e2fsprogs) is not installed, or this file system or user cannot "
                + "set the immutable attribute; this scenario needs it (it runs on the project's machines, as root on ext4)");
        scenario("index-refuses-writes", stream -> {
            Path dir = stack.indexDir;
            double retriesBefore = stack.metric(stack.embedManagementUrl(), "freshrag_index_retries_total");
            int maxFailures = 0;
            boolean readyDown = false;
            boolean liveDown = false;
            double downAfter = -1;
            long t0 = System.nanoTime();
            Immutable.set(dir, true);
            try {
                while (System.nanoTime() - t0 < Duration.ofSeconds(8).toNanos()) {
                    PipelineStack.Answer ready = stack.send("GET", stack.embedManagementUrl() + "/q/health/ready", null);
                    JsonNode check = check(ready, "embed-pipeline");
                    int failures = check == null ? 0 : check.path("data").path("consecutiveIndexFailures").asInt();
                    maxFailures = Math.max(maxFailures, failures);
                    if (ready.status() == 503 && !readyDown) {
                        readyDown = true;
                        downAfter = seconds(t0);
                    }
                    liveDown |= stack.send("GET", stack.embedManagementUrl() + "/q/health/live", null).status() == 503;
                    sleep(200);
                }
            } finally {
                Immutable.set(dir, false);
            }
            double retries = stack.metric(stack.embedManagementUrl(), "freshrag_index_retries_total") - retriesBefore;
            assertThat(maxFailures).as("consecutive index failures the embed-service reported").isPositive();
            assertThat(readyDown).as("embed-service readiness went DOWN while the index refused writes").isTrue();
            assertThat(retries).as("freshrag_index_retries_total grew").isPositive();
            return new Outcome("chattr +i on the index directory for 8 s while events flowed, then chattr -i",
                    String.format("readiness DOWN %.1f s in (consecutiveIndexFailures up to %d), freshrag_index_retries_total +%.0f, liveness %s",
                            downAfter, maxFailures, retries, liveDown ? "DOWN for a while (writer reopens failed)" : "UP"));
        });
    }

    /** The broker stops and starts on the same log directory and port; every service must reconnect by itself. */
    @Test
    @Order(6)
    void brokerRestartMidStream() {
        scenario("broker-restart", stream -> {
            long t0 = System.nanoTime();
            int before = stream.produced();
            stack.broker.restart(Duration.ofSeconds(3));
            return new Outcome("broker shut down mid-stream, down 3 s, started on the same log dir and port",
                    String.format("broker serving again %.1f s after the shutdown; the stream's sends waited and went on "
                            + "(%d events meanwhile); the services reconnected by themselves", seconds(t0), stream.produced() - before));
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    private interface Fault {
        Outcome inject(ChangeStream stream) throws Exception;
    }

    /**
     * Runs {@code fault} in the middle of a change stream, then measures the recovery (a PUT by HTTP made right after
     * the fault ended, until it is searchable with {@code "consistent": true}), lets the stream go on, and compares the
     * whole index of the stream's tenant with the model.
     */
    private void scenario(String name, Fault fault) {
        String tenant = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        try (ChangeStream stream = new ChangeStream(stack, tenant, seed, PAUSE)) {
            stream.awaitMore(BEFORE, Duration.ofSeconds(60));
            Outcome outcome;
            try {
                outcome = fault.inject(stream);
            } catch (Exception e) {
                throw new AssertionError(name + ": the fault could not be injected", e);
            }
            double recovered = putAndAwaitSearchable(tenant, "probe-" + name + ".md",
                    "The " + name + " probe checks that the pipeline serves again after the fault.");
            stream.awaitMore(AFTER, RECOVERY_BOUND);
            stream.stop();
            List<WriteToken> tokens = stream.tokens();
            inspector.awaitApplied(tokens, RECOVERY_BOUND);
            Optional<String> mismatch = stream.model().mismatch(inspector);
            assertThat(mismatch).as(name + " (seed " + seed + ", replay with -Dfreshrag.faults.seed)").isEmpty();
            System.out.printf("FAULT %s: did %s; found %s; recovered in %.2f s; index == model (%d events over %d documents, %d live, seed %d)%n",
                    name, outcome.did(), outcome.found(), recovered, tokens.size(), stream.model().documents(),
                    stream.model().live(), seed);
        }
    }

    /**
     * PUTs a document by HTTP (again while the gateway answers 5xx or not at all) and searches for it with its token
     * until a {@code "consistent": true} answer holds it; answers the seconds from the first try.
     */
    static double putAndAwaitSearchable(String tenant, String docId, String content) {
        long t0 = System.nanoTime();
        long deadline = t0 + RECOVERY_BOUND.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                PipelineStack.Answer put = stack().put(tenant, docId, Map.of("version", 1, "title", docId, "contentType", "text/plain",
                        "content", content, "metadata", Map.of(IndexInspector.DOC_KEY, docId)));
                if (put.status() == 202) {
                    awaitSearchable(tenant, docId, content, put.json().get("token").asText(), Duration.ofNanos(deadline - System.nanoTime()));
                    return seconds(t0);
                }
                assertThat(put.status()).as(put.body()).isGreaterThanOrEqualTo(500);
                last = put.status() + " " + put.body();
            } catch (UncheckedIOException e) {
                last = e.toString(); // the gateway is not listening (yet)
            }
            sleep(100);
        }
        throw new AssertionError(docId + " was not accepted within " + RECOVERY_BOUND.toSeconds() + " s; last answer: " + last);
    }

    /** Searches with {@code token} until a {@code "consistent": true} answer holds {@code docId}; fails past {@code bound}. */
    static void awaitSearchable(String tenant, String docId, String query, String token, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                // each search waits (bounded, 5 s) for the token to be applied before it answers
                PipelineStack.Answer a = stack().search(tenant, Map.of("query", query, "topK", 3, "consistentWith", List.of(token)));
                last = a.status() + " " + a.body();
                if (a.status() == 200 && a.json().get("consistent").asBoolean()) {
                    for (JsonNode hit : a.json().get("hits")) {
                        if (hit.get("docId").asText().equals(docId)) {
                            return;
                        }
                    }
                }
                if (a.status() != 200) {
                    sleep(100);
                }
            } catch (UncheckedIOException e) {
                last = e.toString(); // the query-service is not listening (yet)
                sleep(100);
            }
        }
        throw new AssertionError(docId + " was not searchable with \"consistent\": true within " + bound.toSeconds()
                + " s; last answer: " + last);
    }

    private static PipelineStack stack() {
        return PipelineStack.shared();
    }

    private static JsonNode check(PipelineStack.Answer a, String name) {
        if (a.json() == null || a.json().get("checks") == null) {
            return null;
        }
        for (JsonNode c : a.json().get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        return null;
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code chattr +i/-i}: an ext4 directory in which nothing can be created, renamed or deleted, even by root. */
    static final class Immutable {

        static boolean available() {
            try {
                Path probe = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chattr-probe-");
                try {
                    if (!run("chattr", "+i", probe.toString())) {
                        return false;
                    }
                    try {
                        Files.createFile(probe.resolve("x"));
                        return false; // the attribute does not stop writes here
                    } catch (IOException expected) {
                        return true;
                    } finally {
                        run("chattr", "-i", probe.toString());
                    }
                } finally {
                    Files.deleteIfExists(probe.resolve("x"));
                    Files.deleteIfExists(probe);
                }
            } catch (IOException e) {
                return false;
            }
        }

        static void set(Path dir, boolean immutable) {
            if (!run("chattr", immutable ? "+i" : "-i", dir.toString())) {
                throw new IllegalStateException("chattr " + (immutable ? "+i " : "-i ") + dir + " failed");
            }
        }

        private static boolean run(String... command) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
