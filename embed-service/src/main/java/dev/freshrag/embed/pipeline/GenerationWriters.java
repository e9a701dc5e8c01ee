package dev.freshrag.embed.pipeline;

import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The index generations the embed-service writes (issue 16): the active one always and, beside it, a second one: the
 * one a reindex builds, or after a switch the previous one (kept written so that a rollback loses no change). Each has
 * its own writer and its own model ({@link BatchApplier}). A live record (no {@code freshrag-generation} header) goes to
 * both; a record tagged with a generation (a reindex's re-drive) only to that one. Every generation keeps its own
 * document marks and source positions (each writer commits the lane's positions in its own index), so a generation
 * opened mid-stream fences older writes exactly as across lanes, and its positions say how far behind the active one
 * it is. A slice's write returns only after every generation it goes to committed it, so the caller acknowledges Kafka
 * offsets only then.
 *
 * <p>All writes run on the single index-writer thread; opening, closing and swapping generations wait for the write in
 * progress (one monitor), so a writer is never closed under a write.
 */
public final class GenerationWriters {

    private static final Logger LOG = Logger.getLogger(GenerationWriters.class);

    /** One generation's writer: its id ({@code g<N>}), its applier (model + writer), its index, and what closes them. */
    public record Writer(String id, BatchApplier applier, VectorIndexWriter index, AutoCloseable resources) {
    }

    /** The second generation's vectors of a slice, embedded ahead on the lane's thread (not the writer's). */
    public record SecondVectors(String id, Map<String, float[]> vectors) {
        public static final SecondVectors NONE = new SecondVectors(null, Map.of());
    }

    private volatile Writer active;
    private volatile Writer second;
    /** Records tagged for the second generation that it applied (the backfill's progress). */
    private final AtomicLong taggedApplied = new AtomicLong();
    /** The chunks those records wrote (the backfill's progress in chunks). */
    private final AtomicLong taggedChunks = new AtomicLong();
    /**
     * The generations with a chunking of their own (a re-chunking reindex): the ingest sends them their chunk operations
     * tagged with their id, so an untagged APPLY (chunked the ingest's way) is not theirs. Position-only records and
     * DELETE_DOCUMENT are the same in every chunking and still reach them untagged. Kept by id, so across swaps.
     */
    private final java.util.Set<String> chunkedApart = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public GenerationWriters(Writer active) {
        this.active = active;
    }

    /** The active generation's id. */
    public String activeId() {
        return active.id();
    }

    /** The active generation's applier. */
    public BatchApplier active() {
        return active.applier();
    }

    /** The active generation's writer (one read: id and model together). */
    public Writer activeWriter() {
        return active;
    }

    /** The second generation (building, or previous after a switch), if one is open. */
    public Optional<Writer> second() {
        return Optional.ofNullable(second);
    }

    /** The second generation's id, if one is open. */
    public Optional<String> secondId() {
        Writer s = second;
        return s == null ? Optional.empty() : Optional.of(s.id());
    }

    /** How many records tagged for the second generation it has applied since this process opened it. */
    public long taggedApplied() {
        return taggedApplied.get();
    }

    /** How many chunks the records tagged for the second generation wrote to it since this process opened it. */
    public long taggedChunks() {
        return taggedChunks.get();
    }

    /**
     * Opens {@code next} as the second generation: from the next slice written on, live records go to it too.
     * Records written before are not in it: the reindex's backfill re-drives them, tagged with its id.
     *
     * @throws IllegalStateException another second generation is open, or {@code next} is the active one
     */
    public synchronized void openSecond(Writer next) {
        if (next.id().equals(active.id())) {
            throw new IllegalStateException(next.id() + " is the active generation");
        }
        if (second != null) {
            throw new IllegalStateException(second.id() + " is open already beside " + active.id());
        }
        second = next;
        taggedApplied.set(0);
        taggedChunks.set(0);
        LOG.infof("generation %s written beside the active %s: live records go to both", next.id(), active.id());
    }

    /**
     * Opens {@code next} as a new building generation ({@link #openSecond}) and records in it the active generation's
     * positions as its own: what the active one applied before this moment, the backfill (which reads kb.doc-log to
     * its end offsets after this) brings into it, so from here its positions compare with the active one's, also on
     * partitions no live record reaches during the reindex. The deferred offsets pending in the active generation are
     * recorded too, so a read-your-writes check against it still waits for them.
     */
    public synchronized void startSecond(Writer next) {
        openSecond(next);
        VectorIndexWriter from = active.index();
        next.index().commitDeferred(from.deferredOffsets());
        for (Lane lane : Lane.OF_WORK) {
            next.index().commit(lane, from.appliedSourceOffsets(lane));
        }
    }

    /**
     * The second generation becomes the active one and the active one the second (a switch, or a rollback): both stay
     * written. Waits for the write in progress; slices embedded before with the old active model are embedded again.
     */
    public synchronized void swap(String expectedSecond) {
        Writer s = second;
        if (s == null || !s.id().equals(expectedSecond)) {
            throw new IllegalStateException("generation " + expectedSecond + " is not open beside " + active.id());
        }
        second = active;
        active = s;
        LOG.infof("generation %s is now written as the active one, %s beside it", active.id(), second.id());
    }

    /** Stops writing the second generation {@code id} and closes its writer and model; false if it was not open. */
    public synchronized boolean closeSecond(String id) {
        Writer s = second;
        if (s == null || !s.id().equals(id)) {
            return false;
        }
        second = null;
        try {
            s.resources().close();
        } catch (Exception e) {
            LOG.warnf("closing generation %s: %s", id, e.toString());
        }
        LOG.infof("generation %s closed; only %s is written", id, active.id());
        return true;
    }

    /** At shutdown: closes the second generation's and the active one's writer and model. */
    public synchronized void closeAll() {
        secondId().ifPresent(this::closeSecond);
        try {
            active.resources().close();
        } catch (Exception e) {
            LOG.warnf("closing generation %s: %s", active.id(), e.toString());
        }
    }

    /**
     * Marks generation {@code id} as chunked apart (see {@link #chunkedApart}): from now on it takes only the APPLY
     * records tagged with its id. Called before it is opened, so no untagged APPLY reaches it.
     */
    public void chunkApart(String id) {
        chunkedApart.add(id);
    }

    /** Whether generation {@code id} has a chunking of its own. */
    public boolean isChunkedApart(String id) {
        return chunkedApart.contains(id);
    }

    /**
     * Whether generation {@code id} takes {@code o}, tagged {@code tag} (null: a live record, chunked the ingest's way):
     * a tagged record only its generation; an untagged one every generation, except the APPLY records for those
     * chunked apart.
     */
    public boolean takes(String id, DocumentOps o, String tag) {
        if (tag != null) {
            return tag.equals(id);
        }
        return o.kind() != DocumentOps.Kind.APPLY || !chunkedApart.contains(id);
    }

    /** The records of {@code ops} the active generation takes: those it embeds and writes. */
    public List<DocumentOps> forActive(List<DocumentOps> ops, Function<DocumentOps, String> tagOf) {
        return takenBy(active.id(), ops, tagOf);
    }

    /**
     * Step 1 for the second generation, on the lane's thread: the vectors of its model for the records it takes
     * (cache first; the cache is keyed by model id, so the two models never share a vector).
     *
     * @throws EmbeddingFailedException its model failed; the caller retries
     */
    public SecondVectors secondVectors(List<DocumentOps> ops, Function<DocumentOps, String> tagOf) {
        Writer s = second;
        if (s == null) {
            return SecondVectors.NONE;
        }
        List<DocumentOps> taken = takenBy(s.id(), ops, tagOf);
        if (taken.isEmpty()) {
            return new SecondVectors(s.id(), Map.of());
        }
        return new SecondVectors(s.id(), s.applier().vectors(BatchPlan.of(taken)));
    }

    /**
     * Step 2 for every open generation, on the index-writer thread: the active one first (what queries see), then the
     * second one, each committing {@code positions} in its own index. Vectors embedded by a generation that is no longer
     * the one they are for (a switch came between the embedding and the write) are not used: the applier embeds again
     * with the right model. A record tagged with a generation that is not open (an aborted reindex's re-drive still in
     * the lane) is written nowhere; its offset still counts as applied. Safe to repeat after a failure (every write is
     * idempotent by chunk id, and a mark never supersedes its own change).
     *
     * @param embeddedFor the active generation whose model made {@code activeVectors} (and {@code prepared})
     * @return how many records the active generation found superseded
     */
    public synchronized int write(Lane lane, List<DocumentOps> ops, Function<DocumentOps, String> tagOf, String embeddedFor,
                                  Map<String, float[]> activeVectors, SecondVectors secondVectors,
                                  SourceOffsets positions, PreparedWrites prepared) {
        Writer a = active;
        boolean current = a.id().equals(embeddedFor);
        int superseded = a.applier().write(lane, forActive(ops, tagOf), current ? activeVectors : Map.of(), positions,
                current ? prepared : PreparedWrites.NONE);
        Writer s = second;
        if (s != null) {
            Map<String, float[]> vectors = s.id().equals(secondVectors.id()) ? secondVectors.vectors()
                    : s.id().equals(embeddedFor) ? activeVectors : Map.of();
            // what it lacks (the generation opened after the slice embedded) its applier embeds here
            List<DocumentOps> taken = takenBy(s.id(), ops, tagOf);
            s.applier().write(lane, taken, vectors, positions, PreparedWrites.NONE);
            for (DocumentOps o : taken) {
                // the backfill's re-drives travel in the bulk lane; a generation chunked apart also gets live changes tagged
                if (s.id().equals(tagOf.apply(o)) && (lane == Lane.BULK || !chunkedApart.contains(s.id()))) {
                    taggedApplied.incrementAndGet();
                    taggedChunks.addAndGet(o.ops() == null ? 0 : o.ops().size());
                }
            }
        }
        return superseded;
    }

    private List<DocumentOps> takenBy(String id, List<DocumentOps> ops, Function<DocumentOps, String> tagOf) {
        return ops.stream().filter(o -> takes(id, o, tagOf.apply(o))).toList();
    }
}
