package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.freshrag.e2e.ContractModel.Step;
import dev.freshrag.events.WriteToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: after ANY sequence of events (edits, deletes, re-creates, duplicates, older versions
 * arriving late, versionless upserts and deletes, cleanup deletes of documents never written, short and long pauses
 * between events, over two tenants that share docIds) the index holds exactly the chunks of each
 * document's live content, labelled with its version, as the {@link ContractModel} says.
 *
 * <p>Histories are random ({@link HistoryGenerator}; every history holds each kind of event at least once; seed
 * printed, replay with -Dfreshrag.property.seed); a failing history is shrunk by removing steps while it still
 * fails, and reported. A "gap" waits until everything before it is in the index and pauses, so what follows lands
 * in other transactions and other embed batches (past the Streams commit and the embed-service's offset commit
 * interval of 1 s); a "long gap" pauses {@value #DEFAULT_LONG_GAP_MILLIS} ms by default, so the consumers sit idle
 * between polls and commit with nothing new. The services' clocks cannot be moved from here; that time alone never
 * forgets a tombstone (no retention by default) is checked with a moved clock in the ingest-service's TopologyTest.
 */
class IndexConvergenceIT {

    private static final int TRIES = Integer.getInteger("freshrag.property.tries", 6);
    private static final int STEPS = Integer.getInteger("freshrag.property.steps", 24);
    private static final long GAP_MILLIS = Long.getLong("freshrag.property.gap-millis", 1500);
    private static final long DEFAULT_LONG_GAP_MILLIS = 3000;
    private static final long LONG_GAP_MILLIS = Long.getLong("freshrag.property.long-gap-millis", DEFAULT_LONG_GAP_MILLIS);

    private static PipelineStack stack;
    private static IndexInspector inspector;

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
        inspector = new IndexInspector(stack);
    }

    @AfterAll
    static void stop() {
        inspector.close();
    }

    @Test
    void randomHistoriesConvergeToTheNewestLiveVersions() {
        long seed = Long.getLong("freshrag.property.seed", new Random().nextLong());
        System.out.println("IndexConvergenceIT seed " + seed + " (" + TRIES + " tries of " + STEPS + " steps)");
        Random rnd = new Random(seed);
        for (int t = 0; t < TRIES; t++) {
            List<Step> history = new HistoryGenerator(rnd, 2, 6).history(STEPS);
            HistoryGenerator.Coverage coverage = HistoryGenerator.Coverage.of(history);
            System.out.println("try " + t + ": " + coverage);
            assertThat(coverage.missing()).as("kinds of event the generator left out of try " + t).isEmpty();
            Optional<String> failure = check(history);
            if (failure.isPresent()) {
                List<Step> shrunk = shrink(history);
                fail("seed " + seed + ", try " + t + ": " + failure.get() + "\nshrunk to " + shrunk.size() + " steps (from " + history.size()
                        + "), which fails with: " + check(shrunk).orElse("(passed on re-run: flaky?)") + "\n"
                        + shrunk.stream().map(Step::render).collect(Collectors.joining("\n")));
            }
        }
    }

    /** Runs a history on fresh tenants; answers what differs from the model, if anything. */
    private static Optional<String> check(List<Step> history) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String[] tenants = {"prop-" + run + "-a", "prop-" + run + "-b"};
        List<WriteToken> tokens = new ArrayList<>();
        ContractModel model = new ContractModel();
        for (Step s : history) {
            if (s.gapBefore()) {
                inspector.awaitApplied(tokens, Duration.ofSeconds(60));
                sleep(s.longGap() ? LONG_GAP_MILLIS : GAP_MILLIS);
            }
            String tenant = tenants[s.tenantSlot()];
            tokens.add(stack.produce(s.event(tenant)));
            model.apply(tenant, s);
        }
        inspector.awaitApplied(tokens, Duration.ofSeconds(60));
        return model.mismatch(inspector);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<Step> shrink(List<Step> history) {
        List<Step> current = new ArrayList<>(history);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = current.size() - 1; i >= 0; i--) {
                List<Step> candidate = new ArrayList<>(current);
                candidate.remove(i);
                if (!candidate.isEmpty() && check(candidate).isPresent()) {
                    current = candidate;
                    progress = true;
                }
            }
        }
        return current;
    }
}
