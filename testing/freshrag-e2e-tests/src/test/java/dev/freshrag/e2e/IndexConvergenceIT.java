package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.fail;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.Op;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.SearchHit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: after ANY sequence of events (edits, deletes, re-creates, duplicates, older versions
 * arriving late, versionless upserts and deletes, cleanup deletes of documents never written, pauses
 * between events, over two tenants that share docIds) the index holds exactly the chunks of each
 * document's live content, labelled with its version. The model is the README's event contract, per
 * document in log order: a versioned UPSERT applies above the guard version and sets it; a versioned
 * DELETE applies above it, or at it once; versionless events always apply and leave the guard where
 * it is (an UPSERT is labelled with it; a DELETE of a document never seen records nothing). An UPSERT
 * means chunks whose texts, in order, are exactly its paragraphs; a DELETE means no chunks.
 *
 * <p>Histories are random (seed printed, replay with -Dfreshrag.property.seed); a failing history is
 * shrunk by removing steps while it still fails, and reported. A "gap" waits until everything before it
 * is in the index and pauses, so what follows lands in other transactions and other embed batches. The
 * services' clocks cannot be moved from here; that time alone never forgets a tombstone (no retention by
 * default) is checked with a moved clock in the ingest-service's TopologyTest.
 */
class IndexConvergenceIT {

    private static final int TRIES = Integer.getInteger("freshrag.property.tries", 6);
    private static final int STEPS = Integer.getInteger("freshrag.property.steps", 24);
    private static final long GAP_MILLIS = Long.getLong("freshrag.property.gap-millis", 1500);
    private static final String[] WORDS = ("index fresh kafka vector chunk tenant stream model search answer version delete "
            + "replay crash offset partition embedding cosine lucene paragraph sentence policy leave vacation budget "
            + "review quarter summary customer ticket release").split(" ");

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

    /**
     * One event of a history. {@code version} is null for a versionless event; {@code serial} names the
     * step (in its title and metadata) so the index shows which UPSERT it holds; {@code gapBefore} pauses first.
     */
    record Step(int tenantSlot, String docId, Long version, Op op, List<String> paragraphs, int serial, boolean gapBefore) {
        String render() {
            return (gapBefore ? "(gap) " : "") + "t" + tenantSlot + "/" + docId + " " + (version == null ? "v-" : "v" + version) + " " + op
                    + " #" + serial + (op == Op.UPSERT ? " " + paragraphs.stream().map(p -> p.substring(0, Math.min(12, p.length()))).toList() : "");
        }

        Step withGap(boolean gap) {
            return new Step(tenantSlot, docId, version, op, paragraphs, serial, gap);
        }
    }

    /** What the contract says a document is after the events so far, in log order. */
    static final class Expected {
        boolean known;
        long version;
        boolean versionDeleted;
        Step live;

        void apply(Step s) {
            if (s.version() != null && known) {
                long v = s.version();
                if (v < version || (v == version && (s.op() == Op.UPSERT || versionDeleted))) {
                    return; // stale
                }
            }
            if (s.op() == Op.DELETE) {
                if (s.version() != null) {
                    known = true;
                    version = s.version();
                    versionDeleted = true;
                }
                live = null;
                return;
            }
            if (s.version() != null) {
                version = s.version();
                versionDeleted = false;
            }
            known = true;
            live = s;
        }
    }

    @Test
    void randomHistoriesConvergeToTheNewestLiveVersions() {
        long seed = Long.getLong("freshrag.property.seed", new Random().nextLong());
        System.out.println("IndexConvergenceIT seed " + seed + " (" + TRIES + " tries of " + STEPS + " steps)");
        Random rnd = new Random(seed);
        for (int t = 0; t < TRIES; t++) {
            List<Step> history = randomHistory(rnd);
            System.out.println("try " + t + ": " + describe(history));
            Optional<String> failure = check(history);
            if (failure.isPresent()) {
                List<Step> shrunk = shrink(history);
                fail("seed " + seed + ", try " + t + ": " + failure.get() + "\nshrunk to " + shrunk.size() + " steps (from " + history.size()
                        + "), which fails with: " + check(shrunk).orElse("(passed on re-run: flaky?)") + "\n"
                        + shrunk.stream().map(Step::render).collect(Collectors.joining("\n")));
            }
        }
    }

    private static List<Step> randomHistory(Random rnd) {
        String[] docIds = {"a/one.md", "b two", "ü/three"};
        Map<String, List<Step>> past = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        Map<String, List<String>> content = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            int slot = rnd.nextInt(2);
            String docId = docIds[rnd.nextInt(docIds.length)];
            String key = slot + "/" + docId;
            boolean gap = rnd.nextInt(100) < 6;
            List<Step> mine = past.computeIfAbsent(key, k -> new ArrayList<>());
            int action = rnd.nextInt(100);
            if (!mine.isEmpty() && action < 10) {
                steps.add(mine.get(mine.size() - 1).withGap(gap)); // duplicate delivery
                continue;
            }
            if (mine.size() > 1 && action < 20) {
                steps.add(mine.get(rnd.nextInt(mine.size() - 1)).withGap(gap)); // an older event arriving late
                continue;
            }
            Step step;
            if (action < 28) {
                // a versionless DELETE: deletes what is there, or cleans up a document never written
                step = new Step(slot, docId, null, Op.DELETE, List.of(), i, gap);
                content.remove(key);
            } else if (!mine.isEmpty() && action < 38) {
                step = new Step(slot, docId, versions.merge(key, 1L + rnd.nextInt(2), Long::sum), Op.DELETE, List.of(), i, gap);
                content.remove(key);
            } else {
                List<String> paras = edit(rnd, content.get(key));
                content.put(key, paras);
                // a versionless UPSERT (a fix by hand) takes no version from the source's sequence
                Long v = action < 52 ? null : versions.merge(key, 1L + rnd.nextInt(2), Long::sum);
                step = new Step(slot, docId, v, Op.UPSERT, paras, i, gap);
            }
            mine.add(step);
            steps.add(step);
        }
        return steps;
    }

    private static List<String> edit(Random rnd, List<String> previous) {
        if (previous == null) {
            return IntStream.range(0, 2 + rnd.nextInt(8)).mapToObj(i -> paragraph(rnd)).collect(Collectors.toList());
        }
        List<String> p = new ArrayList<>(previous);
        switch (rnd.nextInt(5)) {
            case 0 -> p.set(rnd.nextInt(p.size()), paragraph(rnd));
            case 1 -> p.add(rnd.nextInt(p.size() + 1), paragraph(rnd));
            case 2 -> {
                if (p.size() > 1) {
                    p.remove(rnd.nextInt(p.size()));
                }
            }
            case 3 -> p.add(rnd.nextInt(p.size() + 1), p.get(rnd.nextInt(p.size()))); // a repeated paragraph
            default -> p.add(paragraph(rnd));
        }
        return p;
    }

    private static String paragraph(Random rnd) {
        int n = 8 + rnd.nextInt(50);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.append('.').toString();
    }

    /** Runs a history on fresh tenants; answers what differs from the model, if anything. */
    private static Optional<String> check(List<Step> history) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String[] tenants = {"prop-" + run + "-a", "prop-" + run + "-b"};
        List<WriteToken> tokens = new ArrayList<>();
        Map<String, Expected> expected = new HashMap<>();
        for (Step s : history) {
            if (s.gapBefore()) {
                inspector.awaitApplied(tokens, Duration.ofSeconds(60));
                sleep(GAP_MILLIS);
            }
            String tenant = tenants[s.tenantSlot()];
            Map<String, String> metadata = Map.of(IndexInspector.DOC_KEY, s.docId(), "rev", Integer.toString(s.serial()));
            String text = String.join("\n\n", s.paragraphs());
            DocumentChange e = new DocumentChange(tenant, s.docId(), s.version(), s.op(), "Title #" + s.serial(), "text/plain",
                    s.op() == Op.UPSERT ? text : null, s.op() == Op.UPSERT ? metadata : null, null);
            tokens.add(stack.produce(e));
            expected.computeIfAbsent(s.tenantSlot() + "/" + s.docId(), k -> new Expected()).apply(s);
        }
        inspector.awaitApplied(tokens, Duration.ofSeconds(60));
        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            Expected x = e.getValue();
            int slot = Integer.parseInt(e.getKey().substring(0, 1));
            String docId = e.getKey().substring(2);
            String tenant = tenants[slot];
            List<SearchHit> chunks = inspector.chunks(tenant, docId);
            String where = tenant + "/" + docId;
            if (x.live == null) {
                if (!chunks.isEmpty() || inspector.status(tenant, docId).isPresent()) {
                    return Optional.of(where + " should be deleted (guard v" + x.version + ") but the index holds " + chunks.size()
                            + " chunks, labelled " + chunks.stream().map(h -> h.title()).distinct().toList());
                }
                continue;
            }
            Step s = x.live;
            for (int i = 0; i < chunks.size(); i++) {
                SearchHit h = chunks.get(i);
                if (h.seq() != i) {
                    return Optional.of(where + ": chunk positions are " + chunks.stream().map(SearchHit::seq).toList());
                }
                if (h.version() != x.version || !Integer.toString(s.serial()).equals(h.metadata().get("rev"))
                        || !("Title #" + s.serial()).equals(h.title())) {
                    return Optional.of(where + ": chunk " + i + " is labelled v" + h.version() + "/rev " + h.metadata().get("rev")
                            + " but the live content is #" + s.serial() + " at v" + x.version);
                }
            }
            String indexed = chunks.stream().map(SearchHit::text).collect(Collectors.joining("\n\n"));
            String wanted = String.join("\n\n", s.paragraphs());
            if (!indexed.equals(wanted)) {
                return Optional.of(where + ": the index text differs from #" + s.serial() + "\n  expected: " + wanted + "\n  indexed:  " + indexed);
            }
            int statusChunks = inspector.status(tenant, docId).map(d -> d.chunks()).orElse(-1);
            if (statusChunks != chunks.size()) {
                return Optional.of(where + ": document status says " + statusChunks + " chunks, the index holds " + chunks.size());
            }
        }
        return Optional.empty();
    }

    /** What a history exercises, so a run shows it covered the interesting cases. */
    private static String describe(List<Step> history) {
        Map<String, Expected> model = new HashMap<>();
        int dropped = 0;
        int cleanups = 0;
        for (Step s : history) {
            Expected x = model.computeIfAbsent(s.tenantSlot() + "/" + s.docId(), k -> new Expected());
            if (s.op() == Op.DELETE && s.version() == null && !x.known) {
                cleanups++;
            }
            boolean known = x.known;
            long version = x.version;
            boolean versionDeleted = x.versionDeleted;
            Step live = x.live;
            x.apply(s);
            if (x.known == known && x.version == version && x.versionDeleted == versionDeleted && x.live == live && s.version() != null) {
                dropped++;
            }
        }
        long versionless = history.stream().filter(s -> s.version() == null).count();
        long versionlessDeletes = history.stream().filter(s -> s.version() == null && s.op() == Op.DELETE).count();
        return history.size() + " steps, " + versionless + " versionless (" + versionlessDeletes + " deletes, " + cleanups
                + " of a document not yet written), " + history.stream().filter(s -> s.version() != null && s.op() == Op.DELETE).count()
                + " versioned deletes, " + dropped + " versioned events the guard drops, "
                + history.stream().filter(Step::gapBefore).count() + " gaps";
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
