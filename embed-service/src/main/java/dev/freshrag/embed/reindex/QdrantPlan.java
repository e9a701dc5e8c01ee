package dev.freshrag.embed.reindex;

import dev.freshrag.events.GenerationControl;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.qdrant.QdrantGenerations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jboss.logging.Logger;

/**
 * The plan on Qdrant, where nothing like Lucene's pointer file exists: the alias names the active generation (the
 * query-service follows it, so it is the truth), kb.generations records every generation with its state (which one
 * builds, which one is kept as previous, the highest number ever used). A switch or rollback moves the alias first
 * and records the new states after it; a plan read between the two (a crash) is reconciled by the alias: the
 * generation it names is active, a record that still says active is previous.
 */
final class QdrantPlan implements GenerationPlan {

    private static final Logger LOG = Logger.getLogger(QdrantPlan.class);

    private final QdrantGenerations qdrant;
    private final ControlTopic control;

    QdrantPlan(QdrantGenerations qdrant, ControlTopic control) {
        this.qdrant = qdrant;
        this.control = control;
    }

    @Override
    public synchronized Optional<Generations> read() {
        Map<String, GenerationControl> known = control.known();
        List<Generation> live = new ArrayList<>();
        int last = 0;
        for (GenerationControl r : known.values()) {
            int number = number(r.generation());
            last = Math.max(last, number);
            GenerationState state = switch (r.state()) {
                case BUILDING -> GenerationState.BUILDING;
                case ACTIVE -> GenerationState.ACTIVE;
                case PREVIOUS -> GenerationState.PREVIOUS;
                case ABORTED, DROPPED -> null;
            };
            if (state != null) {
                live.add(GenerationFollower.generationOf(r, state));
            }
        }
        if (live.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> target = qdrant.aliasTarget();
        Optional<Generation> named = live.stream().filter(g -> target.equals(Optional.of(qdrant.collection(g)))).findFirst();
        List<Generation> reconciled = new ArrayList<>();
        for (Generation g : live) {
            GenerationState state = g.state();
            if (named.isPresent()) {
                if (g.number() == named.get().number()) {
                    state = GenerationState.ACTIVE;
                } else if (state == GenerationState.ACTIVE) {
                    state = GenerationState.PREVIOUS;
                }
            }
            reconciled.add(state == g.state() ? g : new Generation(g.number(), g.modelId(), g.dimension(), g.chunkMaxTokens(),
                    state, g.createdAt()));
        }
        // two previous ones only after a crash mid-switch over a kept previous: the newer one is the one kept
        List<Generation> previous = reconciled.stream().filter(g -> g.state() == GenerationState.PREVIOUS)
                .sorted(Comparator.comparingInt(Generation::number).reversed()).toList();
        for (Generation older : previous.subList(Math.min(1, previous.size()), previous.size())) {
            reconciled.remove(older);
        }
        if (named.isPresent() && !named.get().equals(reconciled.stream().filter(g -> g.number() == named.get().number())
                .findFirst().orElseThrow())) {
            // until the next verb rewrites the records (a crash between the alias move and them): at every read
            LOG.debugf("kb.generations lags the Qdrant alias, which names %s: the alias counts", named.get().id());
        }
        try {
            return Optional.of(new Generations(reconciled, last));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("kb.generations and the Qdrant alias (" + target.orElse("missing")
                    + ") make no plan: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Generations openOrAdopt(IndexFingerprint active, OptionalInt activeNumber, int chunkMaxTokens,
                                                Instant now) {
        Optional<Generations> existing = read();
        if (existing.isPresent()) {
            return existing.get();
        }
        int number = activeNumber.orElse(1);
        Generation first = new Generation(number, active.modelId(), active.dimension(), chunkMaxTokens,
                GenerationState.ACTIVE, now);
        control.write(new GenerationControl(first.id(), first.modelId(), first.dimension(), first.chunkMaxTokens(),
                GenerationControl.State.ACTIVE, now.toString(), null));
        LOG.infof("Qdrant index generations recorded on kb.generations: %s (%s, the collection the alias names) active",
                first.id(), active);
        return new Generations(List.of(first), number);
    }

    @Override
    public synchronized Generations change(Generations expected, Generations next) {
        Optional<Generations> current = read();
        if (!current.equals(Optional.of(expected))) {
            throw new GenerationConflictException("the generation plan changed meanwhile: it is now "
                    + current.map(Generations::toString).orElse("missing") + ", not " + expected);
        }
        if (expected.active().number() != next.active().number()) {
            qdrant.switchAlias(expected.active(), next.active());
        }
        Map<String, GenerationControl> known = control.known();
        for (Generation g : next.generations()) {
            Optional<Generation> before = expected.byNumber(g.number());
            if (before.isEmpty() || before.get().state() != g.state()) {
                record(known, g, switch (g.state()) {
                    case BUILDING -> GenerationControl.State.BUILDING;
                    case ACTIVE -> GenerationControl.State.ACTIVE;
                    case PREVIOUS -> GenerationControl.State.PREVIOUS;
                });
            }
        }
        for (Generation gone : expected.leftBy(next)) {
            record(known, gone, gone.state() == GenerationState.BUILDING ? GenerationControl.State.ABORTED
                    : GenerationControl.State.DROPPED);
        }
        return next;
    }

    /**
     * Deletes the collection after {@link GenerationFollower#DROP_GRACE}: the record that it left the plan is written
     * (by {@link #change}), and every other replica closes its writer within that time.
     */
    @Override
    public void drop(Generation generation) {
        try {
            Thread.sleep(GenerationFollower.DROP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        qdrant.drop(generation);
    }

    /** Whether the collection of {@code generation} exists. */
    boolean exists(Generation generation) {
        return qdrant.exists(generation);
    }

    @Override
    public void close() {
        qdrant.close();
    }

    private void record(Map<String, GenerationControl> known, Generation g, GenerationControl.State state) {
        GenerationControl before = known.get(g.id());
        control.write(before != null ? before.withState(state) : new GenerationControl(g.id(), g.modelId(), g.dimension(),
                g.chunkMaxTokens(), state, g.createdAt().toString(), GenerationControl.Backfill.none()));
    }

    private static int number(String id) {
        if (id == null || !id.matches("g[1-9][0-9]*")) {
            throw new IllegalStateException("kb.generations holds a record of '" + id + "', not g<N>");
        }
        return Integer.parseInt(id.substring(1));
    }
}
