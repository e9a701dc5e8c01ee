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
 * arriving late, over two tenants that share docIds) the index holds exactly the chunks of each
 * document's newest live version. The model is deliberately simple: per document the event with the
 * highest version wins, a DELETE means no chunks, an UPSERT means chunks whose texts, in order, are
 * exactly its paragraphs. Histories are random (seed printed, replay with -Dfreshrag.property.seed);
 * a failing history is shrunk by removing steps while it still fails, and reported.
 */
class IndexConvergenceIT {

    private static final int TRIES = Integer.getInteger("freshrag.property.tries", 6);
    private static final int STEPS = Integer.getInteger("freshrag.property.steps", 24);
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

    /** One event of a history; {@code doc} indexes into (tenant slot, docId). */
    record Step(int tenantSlot, String docId, long version, Op op, List<String> paragraphs) {
        String render() {
            return "t" + tenantSlot + "/" + docId + " v" + version + " " + op
                    + (op == Op.UPSERT ? " " + paragraphs.stream().map(p -> p.substring(0, Math.min(12, p.length()))).toList() : "");
        }
    }

    @Test
    void randomHistoriesConvergeToTheNewestLiveVersions() {
        long seed = Long.getLong("freshrag.property.seed", new Random().nextLong());
        System.out.println("IndexConvergenceIT seed " + seed + " (" + TRIES + " tries of " + STEPS + " steps)");
        Random rnd = new Random(seed);
        for (int t = 0; t < TRIES; t++) {
            List<Step> history = randomHistory(rnd);
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
            List<Step> mine = past.computeIfAbsent(key, k -> new ArrayList<>());
            int action = rnd.nextInt(100);
            if (!mine.isEmpty() && action < 12) {
                steps.add(mine.get(mine.size() - 1)); // duplicate delivery
                continue;
            }
            if (mine.size() > 1 && action < 24) {
                steps.add(mine.get(rnd.nextInt(mine.size() - 1))); // an older version arriving late
                continue;
            }
            long v = versions.merge(key, 1L + rnd.nextInt(2), Long::sum);
            Step step;
            if (!mine.isEmpty() && action < 36) {
                step = new Step(slot, docId, v, Op.DELETE, List.of());
                content.remove(key);
            } else {
                List<String> paras = edit(rnd, content.get(key));
                content.put(key, paras);
                step = new Step(slot, docId, v, Op.UPSERT, paras);
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
        Map<String, Step> newest = new HashMap<>();
        for (Step s : history) {
            String tenant = tenants[s.tenantSlot()];
            Map<String, String> metadata = Map.of(IndexInspector.DOC_KEY, s.docId(), "rev", Long.toString(s.version()));
            String text = String.join("\n\n", s.paragraphs());
            DocumentChange e = new DocumentChange(tenant, s.docId(), s.version(), s.op(), "Title v" + s.version(), "text/plain",
                    s.op() == Op.UPSERT ? text : null, s.op() == Op.UPSERT ? metadata : null, null);
            tokens.add(stack.produce(e));
            newest.merge(s.tenantSlot() + "/" + s.docId(), s, (a, b) -> b.version() > a.version() ? b : a);
        }
        inspector.awaitApplied(tokens, Duration.ofSeconds(60));
        for (Map.Entry<String, Step> e : newest.entrySet()) {
            Step s = e.getValue();
            String tenant = tenants[s.tenantSlot()];
            List<SearchHit> chunks = inspector.chunks(tenant, s.docId());
            String where = tenant + "/" + s.docId();
            if (s.op() == Op.DELETE) {
                if (!chunks.isEmpty() || inspector.status(tenant, s.docId()).isPresent()) {
                    return Optional.of(where + " was deleted at v" + s.version() + " but the index holds " + chunks.size() + " chunks");
                }
                continue;
            }
            for (int i = 0; i < chunks.size(); i++) {
                SearchHit h = chunks.get(i);
                if (h.seq() != i) {
                    return Optional.of(where + ": chunk positions are " + chunks.stream().map(SearchHit::seq).toList());
                }
                if (h.version() != s.version() || !Long.toString(s.version()).equals(h.metadata().get("rev"))
                        || !("Title v" + s.version()).equals(h.title())) {
                    return Optional.of(where + ": chunk " + i + " is labelled v" + h.version() + "/rev " + h.metadata().get("rev")
                            + " but the newest version is v" + s.version());
                }
            }
            String indexed = chunks.stream().map(SearchHit::text).collect(Collectors.joining("\n\n"));
            String expected = String.join("\n\n", s.paragraphs());
            if (!indexed.equals(expected)) {
                return Optional.of(where + ": the index text differs from v" + s.version() + "\n  expected: " + expected + "\n  indexed:  " + indexed);
            }
            int statusChunks = inspector.status(tenant, s.docId()).map(d -> d.chunks()).orElse(-1);
            if (statusChunks != chunks.size()) {
                return Optional.of(where + ": document status says " + statusChunks + " chunks, the index holds " + chunks.size());
            }
        }
        return Optional.empty();
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
