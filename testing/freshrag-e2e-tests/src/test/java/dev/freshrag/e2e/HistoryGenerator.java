package dev.freshrag.e2e;

import dev.freshrag.e2e.ContractModel.Expected;
import dev.freshrag.e2e.ContractModel.Step;
import dev.freshrag.events.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Random event histories over a few documents of one or two tenants (which share docIds): edits, versioned and
 * versionless UPSERTs and DELETEs, cleanup DELETEs of documents never written, duplicates, older events arriving
 * late, deletes followed by re-creates, short and long gaps. {@link #history} makes sure that every history holds
 * each of these kinds at least once, so that no try of the property test misses one by chance.
 */
final class HistoryGenerator {

    private static final String[] WORDS = ("index fresh kafka vector chunk tenant stream model search answer version delete "
            + "replay crash offset partition embedding cosine lucene paragraph sentence policy leave vacation budget "
            + "review quarter summary customer ticket release").split(" ");
    private static final String[] DOC_IDS = {"a/one.md", "b two", "ü/three"};

    private final Random rnd;
    private final int tenantSlots;
    private final int gapPercent;
    private final String[] docIds;
    private final Map<String, List<Step>> past = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, List<String>> content = new HashMap<>();
    private int serial;

    /** Histories over the three standard docIds in {@code tenantSlots} tenants, a gap before {@code gapPercent}% of steps. */
    HistoryGenerator(Random rnd, int tenantSlots, int gapPercent) {
        this(rnd, tenantSlots, gapPercent, DOC_IDS);
    }

    HistoryGenerator(Random rnd, int tenantSlots, int gapPercent, String... docIds) {
        this.rnd = rnd;
        this.tenantSlots = tenantSlots;
        this.gapPercent = gapPercent;
        this.docIds = docIds.clone();
    }

    /** {@code steps} random steps, then whatever kind of step they missed (see the class comment). */
    List<Step> history(int steps) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.add(next());
        }
        ensureCoverage(out);
        return out;
    }

    /** One more random step, continuing the documents' versions and contents (a never-ending stream). */
    Step next() {
        int slot = rnd.nextInt(tenantSlots);
        String docId = docIds[rnd.nextInt(docIds.length)];
        String key = slot + "/" + docId;
        boolean gap = rnd.nextInt(100) < gapPercent;
        List<Step> mine = past.computeIfAbsent(key, k -> new ArrayList<>());
        int action = rnd.nextInt(100);
        if (!mine.isEmpty() && action < 10) {
            serial++;
            return mine.get(mine.size() - 1).withGap(gap); // duplicate delivery
        }
        if (mine.size() > 1 && action < 20) {
            serial++;
            return mine.get(rnd.nextInt(mine.size() - 1)).withGap(gap); // an older event arriving late
        }
        if (action < 28) {
            // a versionless DELETE: deletes what is there, or cleans up a document never written
            return delete(slot, docId, null, gap);
        } else if (!mine.isEmpty() && action < 38) {
            return delete(slot, docId, versions.merge(key, 1L + rnd.nextInt(2), Long::sum), gap);
        }
        // a versionless UPSERT (a fix by hand) takes no version from the source's sequence
        return upsert(slot, docId, action < 52 ? null : versions.merge(key, 1L + rnd.nextInt(2), Long::sum), gap);
    }

    private Step delete(int slot, String docId, Long version, boolean gap) {
        String key = slot + "/" + docId;
        content.remove(key);
        Step step = new Step(slot, docId, version, Op.DELETE, List.of(), serial++, gap);
        past.computeIfAbsent(key, k -> new ArrayList<>()).add(step);
        return step;
    }

    private Step upsert(int slot, String docId, Long version, boolean gap) {
        String key = slot + "/" + docId;
        List<String> paras = edit(content.get(key));
        content.put(key, paras);
        Step step = new Step(slot, docId, version, Op.UPSERT, paras, serial++, gap);
        past.computeIfAbsent(key, k -> new ArrayList<>()).add(step);
        return step;
    }

    /**
     * Appends what the random steps did not bring: a versionless UPSERT and DELETE, a cleanup DELETE of a document
     * never written, a versioned DELETE, a delete-then-recreate (versioned and versionless), a gap and one long gap.
     */
    private void ensureCoverage(List<Step> h) {
        Coverage c = Coverage.of(h);
        String fresh = "never-written-" + serial;
        if (c.cleanups == 0) {
            h.add(delete(0, fresh, null, false));
            h.add(upsert(0, fresh, 1L, false)); // its first version applies: the cleanup recorded nothing
        }
        String docId = docIds[rnd.nextInt(docIds.length)];
        String key = "0/" + docId;
        if (c.recreatesVersioned == 0 || c.versionedDeletes == 0) {
            if (!content.containsKey(key)) {
                h.add(upsert(0, docId, versions.merge(key, 1L, Long::sum), false));
            }
            h.add(delete(0, docId, versions.merge(key, 1L, Long::sum), false));
            h.add(upsert(0, docId, versions.merge(key, 1L, Long::sum), false));
        }
        if (c.recreatesVersionless == 0 || c.versionlessDeletes == 0 || c.versionlessUpserts == 0) {
            if (!content.containsKey(key)) {
                h.add(upsert(0, docId, null, false));
            }
            h.add(delete(0, docId, null, false));
            h.add(upsert(0, docId, null, false));
        }
        // one long gap, and a short one if the random steps had none, each before a step that had no gap
        List<Integer> plain = IntStream.range(1, h.size()).filter(i -> !h.get(i).gapBefore()).boxed().collect(Collectors.toList());
        java.util.Collections.shuffle(plain, rnd);
        h.set(plain.get(0), h.get(plain.get(0)).withLongGap());
        if (c.gaps == 0) {
            h.set(plain.get(1), h.get(plain.get(1)).withGap(true));
        }
    }

    private List<String> edit(List<String> previous) {
        if (previous == null) {
            return IntStream.range(0, 2 + rnd.nextInt(8)).mapToObj(i -> paragraph()).collect(Collectors.toList());
        }
        List<String> p = new ArrayList<>(previous);
        switch (rnd.nextInt(5)) {
            case 0 -> p.set(rnd.nextInt(p.size()), paragraph());
            case 1 -> p.add(rnd.nextInt(p.size() + 1), paragraph());
            case 2 -> {
                if (p.size() > 1) {
                    p.remove(rnd.nextInt(p.size()));
                }
            }
            case 3 -> p.add(rnd.nextInt(p.size() + 1), p.get(rnd.nextInt(p.size()))); // a repeated paragraph
            default -> p.add(paragraph());
        }
        return p;
    }

    private String paragraph() {
        int n = 8 + rnd.nextInt(50);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.append('.').toString();
    }

    /** What a history exercises, counted by running the model over it. */
    record Coverage(int steps, long versionlessUpserts, long versionlessDeletes, int cleanups, long versionedDeletes,
                    int dropped, int recreatesVersioned, int recreatesVersionless, long gaps, long longGaps) {

        static Coverage of(List<Step> history) {
            Map<String, Expected> model = new HashMap<>();
            Map<String, Boolean> deletedByAnEvent = new HashMap<>();
            int dropped = 0;
            int cleanups = 0;
            int recreatesVersioned = 0;
            int recreatesVersionless = 0;
            for (Step s : history) {
                String key = s.tenantSlot() + "/" + s.docId();
                Expected x = model.computeIfAbsent(key, k -> new Expected());
                if (s.op() == Op.DELETE && s.version() == null && !x.known) {
                    cleanups++;
                }
                boolean known = x.known;
                long version = x.version;
                boolean versionDeleted = x.versionDeleted;
                Step live = x.live;
                x.apply(s);
                boolean applied = !(x.known == known && x.version == version && x.versionDeleted == versionDeleted && x.live == live);
                if (!applied && s.version() != null) {
                    dropped++;
                }
                if (s.op() == Op.DELETE && live != null && x.live == null) {
                    deletedByAnEvent.put(key, true);
                } else if (s.op() == Op.UPSERT && x.live == s && live == null && deletedByAnEvent.getOrDefault(key, false)) {
                    if (s.version() == null) {
                        recreatesVersionless++;
                    } else {
                        recreatesVersioned++;
                    }
                    deletedByAnEvent.put(key, false);
                }
            }
            return new Coverage(history.size(),
                    history.stream().filter(s -> s.version() == null && s.op() == Op.UPSERT).count(),
                    history.stream().filter(s -> s.version() == null && s.op() == Op.DELETE).count(), cleanups,
                    history.stream().filter(s -> s.version() != null && s.op() == Op.DELETE).count(), dropped,
                    recreatesVersioned, recreatesVersionless,
                    history.stream().filter(s -> s.gapBefore() && !s.longGap()).count(), history.stream().filter(Step::longGap).count());
        }

        /** The kinds of event this history lacks (empty: it has each at least once). */
        List<String> missing() {
            List<String> out = new ArrayList<>();
            if (versionlessUpserts == 0) {
                out.add("versionless UPSERT");
            }
            if (versionlessDeletes == 0) {
                out.add("versionless DELETE");
            }
            if (cleanups == 0) {
                out.add("DELETE of a document never written");
            }
            if (versionedDeletes == 0) {
                out.add("versioned DELETE");
            }
            if (recreatesVersioned == 0) {
                out.add("versioned re-create after a delete");
            }
            if (recreatesVersionless == 0) {
                out.add("versionless re-create after a delete");
            }
            if (gaps == 0) {
                out.add("gap");
            }
            if (longGaps == 0) {
                out.add("long gap");
            }
            return out;
        }

        @Override
        public String toString() {
            return steps + " steps, " + (versionlessUpserts + versionlessDeletes) + " versionless (" + versionlessDeletes + " deletes, "
                    + cleanups + " of a document not yet written), " + versionedDeletes + " versioned deletes, "
                    + recreatesVersioned + "+" + recreatesVersionless + " re-creates after a delete (versioned+versionless), "
                    + dropped + " versioned events the guard drops, " + gaps + " gaps, " + longGaps + " long";
        }
    }
}
