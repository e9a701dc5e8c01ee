package dev.freshrag.embed.reindex;

import dev.freshrag.embed.config.ComponentProducer;
import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.config.GenerationModels;
import dev.freshrag.embed.config.IngestChunking;
import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embed.pipeline.GenerationWriters;
import dev.freshrag.embedding.EmbeddingBackend;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.tokenizer.EmbeddingModel;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The reindex verbs (issue 16) of the embed-service, which owns the writers and their positions: {@code start} opens
 * a building generation with another model beside the active one and re-drives every document into it
 * ({@link DocLogBackfill}); {@code status} says how far it is; {@code switch} makes it active once it is caught up;
 * {@code rollback}, {@code abort} and {@code drop-previous}. The Lucene plan pointer ({@link LuceneGenerations}), on
 * Qdrant the alias, stays the truth of which generation is active (the query-service reads it; see {@link GenerationPlan}); kb.generations records each step and the
 * backfill's progress, so a restarted service resumes the backfill. One verb at a time (one monitor).
 */
@ApplicationScoped
public class Reindex {

    private static final Logger LOG = Logger.getLogger(Reindex.class);
    /** The smallest chunking a reindex takes (the ingest's chunker needs 16 tokens). */
    static final int MIN_CHUNK_TOKENS = 16;

    private final GenerationWriters writers;
    private final EmbedConfig config;
    private final EmbedMetrics metrics;
    private final ControlTopic control;
    private final DocLogBackfill backfill;
    /** Keeps a backfill going through broker faults ({@code freshrag.retry.*} backoffs). */
    private final BackfillRetries retries;
    /** Where the plan lives: Lucene's pointer, or Qdrant's alias with kb.generations. */
    private final GenerationPlan plans;
    /** Qdrant only: makes this replica write what kb.generations says, whichever replica served the verb. */
    private final GenerationFollower follower;
    private final IngestFollowers followers;
    /** Only the replica holding it runs the backfill: see {@link ChunkOpsPartitionLease}. */
    private final BackfillLease lease;
    /** What this replica held at the last change of its assignment (the lease's own changes start or stop the backfill). */
    private volatile boolean leaseHeld;

    private volatile GenerationControl buildingRecord;
    private volatile Thread backfillThread;
    private volatile boolean stopBackfill;
    private volatile long backfillStartNanos;
    private volatile long appliedAtBackfillStart;

    public Reindex(GenerationWriters writers, EmbedConfig config, EmbedMetrics metrics, BackfillLease lease,
                   @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.writers = writers;
        this.lease = lease;
        this.config = config;
        this.metrics = metrics;
        this.control = new ControlTopic(bootstrap, config.topics().generations());
        this.plans = GenerationPlan.of(config, control);
        // on Qdrant several replicas share the index: each follows kb.generations (Lucene has one writer, this one)
        this.follower = config.index().kind() == dev.freshrag.index.select.IndexKind.QDRANT
                ? new GenerationFollower(bootstrap, config.topics().generations(), GenerationFollower.INTERVAL, this::follow)
                : null;
        this.backfill = new DocLogBackfill(bootstrap, config.topics().docLog(), config.topics().docChanges(),
                config.reindex().progressEvery());
        this.retries = new BackfillRetries(config.retry().initialBackoff(), config.retry().maxBackoff());
        this.followers = new IngestFollowers(bootstrap, config.topics().generations(), config.topics().docChanges());
    }

    /** A reindex under way when the service stopped: its backfill resumes where kb.generations says it was. */
    void onStart(@Observes StartupEvent e) {
        if (follower != null) {
            follower.start();
        }
        lease.onChange(this::assignmentChanged);
        Thread t = new Thread(() -> {
            try {
                // on Qdrant this reads kb.generations: not on the start's own thread
                recordedBuilding().ifPresent(record -> {
                    buildingRecord = record; // for the status, also where another replica runs the backfill
                    resumeIfLeaseHeld();
                });
            } catch (RuntimeException ex) {
                LOG.warnf("cannot resume the reindex of the building generation: %s", ex.toString());
            }
        }, "reindex-resume");
        t.setDaemon(true);
        t.start();
    }

    /**
     * {@code reindex start --model M [--chunk-max-tokens N]}: opens the building generation, then starts the backfill.
     * Without N the active generation's chunking is kept; with N (another chunking, within M's max length) the
     * generation is chunked apart: the ingest-service chunks for it too, and the backfill waits until every ingest task
     * said it does ({@link IngestFollowers}).
     */
    public synchronized ReindexStatus start(String model, Integer chunkMaxTokens) {
        GenerationPlan layout = plans;
        EmbeddingModel wanted;
        try {
            wanted = EmbeddingModel.fromConfigName(model);
        } catch (IllegalArgumentException e) {
            throw problem(400, "Bad Request", e.getMessage());
        }
        if (config.embedding().backend() != EmbeddingBackend.ONNX) {
            throw problem(409, "Conflict", "freshrag.embedding.backend is " + config.embedding().backend()
                    + ": a remote embedding server serves one model; a reindex runs with the in-process models");
        }
        String modelId = config.embedding().variant().modelId(wanted);
        requireTheIngestsChunking();
        IndexFingerprint activePrint = writers.activeWriter().index().fingerprint();
        // an index adopted as g1 was chunked the ingest's way
        Generations plan = layout.openOrAdopt(activePrint, writers.activeWriter().index().generationNumber(),
                IngestChunking.of(config), Instant.now());
        if (plan.building().isPresent()) {
            throw problem(409, "Conflict", plan.building().get().id() + " is building already (" + plan.building().get().modelId()
                    + "): see ./freshrag reindex status, or abort it first");
        }
        if (plan.previous().isPresent()) {
            throw problem(409, "Conflict", "the previous generation " + plan.previous().get().id() + " is still kept for a "
                    + "rollback: ./freshrag reindex drop-previous first");
        }
        int activeChunking = plan.active().chunkMaxTokens();
        if (chunkMaxTokens != null) {
            if (chunkMaxTokens == activeChunking) {
                throw problem(422, "Unprocessable Content", "--chunk-max-tokens " + chunkMaxTokens + " is the chunking of the "
                        + "active generation " + plan.active().id() + " already: leave it out for a model change only");
            }
            if (chunkMaxTokens < MIN_CHUNK_TOKENS || chunkMaxTokens > wanted.maxLength()) {
                throw problem(422, "Unprocessable Content", "--chunk-max-tokens must be between " + MIN_CHUNK_TOKENS
                        + " and the max length of " + wanted.configName() + " (" + wanted.maxLength() + " tokens), was "
                        + chunkMaxTokens);
            }
        } else if (plan.active().modelId().equals(modelId)) {
            throw problem(409, "Conflict", "the active generation " + plan.active().id() + " already holds " + modelId);
        }
        int chunking = chunkMaxTokens != null ? chunkMaxTokens : activeChunking;
        if (chunking > wanted.maxLength()) {
            throw problem(422, "Unprocessable Content", "the active chunking (" + chunking + " tokens) is above the max "
                    + "length of " + wanted.configName() + " (" + wanted.maxLength() + " tokens): give --chunk-max-tokens");
        }
        Generations next = change(layout, plan, plan.start(modelId, config.embedding().variant().dimension(),
                chunking, Instant.now()));
        Generation g = next.building().orElseThrow();
        if (IngestChunking.apart(config, g)) {
            // before it is opened: no untagged (ingest-chunked) APPLY may reach it
            writers.chunkApart(g.id());
        }
        try {
            writers.startSecond(ComponentProducer.openWriter(config, g, metrics));
        } catch (RuntimeException e) {
            change(layout, next, next.abortBuilding());
            dropQuietly(g);
            throw problem(409, "Conflict", "cannot open " + g.id() + " with " + modelId + ": " + e.getMessage());
        }
        GenerationControl record = controlOf(g, GenerationControl.State.BUILDING);
        control.write(record);
        buildingRecord = record;
        if (lease.held()) {
            startBackfill(record);
        } else {
            LOG.infof("the backfill of %s runs on %s", g.id(), lease.holder());
        }
        LOG.infof("reindex started: %s with %s beside the active %s", g.id(), modelId, next.active().id());
        return status();
    }

    /**
     * Refuses a reindex while an ingest task says it chunks otherwise than this service assumes: whether the new
     * generation is chunked apart is decided by both services, each from its own setting, and if they disagree the
     * generation gets the ingest's untagged chunks and chunks of its own, or neither. No word (an ingest of a version
     * before them) is no disagreement.
     */
    private void requireTheIngestsChunking() {
        int assumed = IngestChunking.of(config);
        for (dev.freshrag.events.IngestChunking said : control.ingestChunkings()) {
            if (said.maxTokens() != assumed) {
                throw problem(409, "Conflict", "the ingest-service chunks at " + said.maxTokens() + " tokens (its"
                        + " freshrag.chunking.max-tokens, said by its task of kb.doc-changes partition " + said.partition()
                        + " at " + said.at() + "), this embed-service assumes " + assumed
                        + " (freshrag.reindex.chunk-max-tokens): a reindex would give the new generation the wrong chunks."
                        + " Set the two alike (and restart the service changed), then start again");
            }
        }
    }

    /** {@code reindex status}. */
    public ReindexStatus status() {
        Optional<Generations> plan = plans.read();
        if (plan.isEmpty()) {
            IndexFingerprint p = writers.activeWriter().index().fingerprint();
            // no reindex yet: the index is chunked the ingest's way, as the first start adopts it
            return new ReindexStatus(new ReindexStatus.GenerationInfo(writers.activeId(), p.modelId(), IngestChunking.of(config),
                    "active", null),
                    null, null, null, Map.of(), false, null);
        }
        Generations g = plan.get();
        Optional<Generation> building = g.building();
        if (building.isEmpty()) {
            return new ReindexStatus(info(g.active()), null, g.previous().map(Reindex::info).orElse(null), null, Map.of(),
                    false, null);
        }
        Progress p = progress(building.get());
        return new ReindexStatus(info(g.active()), info(building.get()), g.previous().map(Reindex::info).orElse(null),
                p.backfill, p.lag, p.behind == null, p.behind);
    }

    /** {@code reindex switch}: only when caught up, else 409 saying how far behind. */
    public synchronized ReindexStatus switchToBuilding() {
        GenerationPlan layout = plans;
        Generations plan = plan(layout);
        Generation building = plan.building().orElseThrow(() -> problem(409, "Conflict", "no generation is building"));
        Progress p = progress(building);
        if (p.behind != null) {
            throw problem(409, "Conflict", building.id() + " is not caught up: " + p.behind);
        }
        Generation active = plan.active();
        // the writers first: from the pointer's change on, queries search the new generation, and it must be the one
        // written as the active one (its positions are the ones read-your-writes tokens are checked against)
        writers.swap(building.id());
        try {
            change(layout, plan, plan.switchToBuilding());
        } catch (RuntimeException e) {
            writers.swap(active.id());
            throw e;
        }
        stopBackfill();
        record(building, GenerationControl.State.ACTIVE);
        record(active, GenerationControl.State.PREVIOUS);
        buildingRecord = null;
        LOG.infof("switched: %s (%s) is active, %s kept as the previous generation", building.id(), building.modelId(), active.id());
        return status();
    }

    /** {@code reindex rollback}: the previous generation is active again (a second rollback rolls forward). */
    public synchronized ReindexStatus rollback() {
        GenerationPlan layout = plans;
        Generations plan = plan(layout);
        Generation previous = plan.previous().orElseThrow(() -> problem(409, "Conflict",
                "no previous generation is kept (dropped, or no switch yet)"));
        Generation active = plan.active();
        writers.swap(previous.id());
        try {
            change(layout, plan, plan.rollback());
        } catch (RuntimeException e) {
            writers.swap(active.id());
            throw e;
        }
        record(previous, GenerationControl.State.ACTIVE);
        record(active, GenerationControl.State.PREVIOUS);
        LOG.infof("rolled back: %s is active again, %s kept as the previous generation", previous.id(), active.id());
        return status();
    }

    /** {@code reindex abort}: the building generation is closed and its files deleted. */
    public synchronized ReindexStatus abort() {
        GenerationPlan layout = plans;
        Generations plan = plan(layout);
        Generation building = plan.building().orElseThrow(() -> problem(409, "Conflict", "no generation is building"));
        stopBackfill();
        change(layout, plan, plan.abortBuilding());
        writers.closeSecond(building.id());
        layout.drop(building);
        record(building, GenerationControl.State.ABORTED);
        buildingRecord = null;
        LOG.infof("reindex aborted: %s dropped", building.id());
        return status();
    }

    /** {@code reindex drop-previous}: the generation kept for a rollback is closed and its files deleted. */
    public synchronized ReindexStatus dropPrevious() {
        GenerationPlan layout = plans;
        Generations plan = plan(layout);
        Generation previous = plan.previous().orElseThrow(() -> problem(409, "Conflict", "no previous generation is kept"));
        change(layout, plan, plan.dropPrevious());
        writers.closeSecond(previous.id());
        layout.drop(previous);
        record(previous, GenerationControl.State.DROPPED);
        LOG.infof("previous generation %s dropped", previous.id());
        return status();
    }

    /**
     * A round of kb.generations records (another replica's verb, or this one's own, which changes nothing): the writers
     * follow ({@link GenerationFollower#act}); the building generation's record (its backfill's progress, which the
     * caught-up check reads) is taken unless this replica runs that backfill itself; a generation that left the
     * building state stops a backfill running here.
     */
    synchronized void follow(List<GenerationFollower.Seen> records) {
        for (GenerationFollower.Seen seen : records) {
            GenerationControl r = seen.record();
            if (!control.learn(r, seen.offset())) {
                // not newer than what this replica wrote or read itself (it served the verb): acting on it could undo it
                continue;
            }
            try {
                String did = GenerationFollower.act(r, writers, g -> ComponentProducer.openWriter(config, g, metrics));
                if (did != null) {
                    LOG.infof("following %s: %s (%s)", config.topics().generations(), did, r.state());
                }
            } catch (RuntimeException ex) {
                // e.g. the model cannot be loaded here: status says the generation is not open in this replica
                LOG.errorf("cannot follow %s %s: %s", r.generation(), r.state(), ex.toString());
            }
            GenerationControl building = buildingRecord;
            boolean mine = building != null && building.generation().equals(r.generation());
            if (r.state() == GenerationControl.State.BUILDING) {
                if (backfillThread == null || !backfillThread.isAlive()) {
                    if (mine && isBehind(r.backfill(), building.backfill())) {
                        // a late progress record of a runner that lost the lease, written after this replica's backfill
                        // went further: taking it would re-drive every document again and say "not caught up"
                        LOG.infof("left out a late backfill record of %s (%d re-driven, done %s): this replica knows"
                                + " it further (%d, done %s)", r.generation(), redriven(r.backfill()), done(r.backfill()),
                                redriven(building.backfill()), done(building.backfill()));
                        if (lease.held()) {
                            control.write(building); // the topic's newest record is the truth a restart resumes from
                        }
                        continue;
                    }
                    buildingRecord = r;
                    if (lease.held() && (r.backfill() == null || !r.backfill().done())) {
                        // another replica served start (or ran the backfill until the lease moved here)
                        startBackfill(r);
                    }
                }
            } else if (mine) {
                if (backfillThread != null) {
                    stopBackfill();
                }
                buildingRecord = null;
            }
        }
    }

    /**
     * Whether {@code seen} says less than {@code known} about one generation's backfill: a backfill only goes forward
     * (the documents re-driven grow, done stays done; a runner resumes from the last record), so a record saying less is
     * late, written by a runner that had lost the lease.
     */
    static boolean isBehind(GenerationControl.Backfill seen, GenerationControl.Backfill known) {
        if (known == null) {
            return false;
        }
        if (done(known)) {
            return !done(seen);
        }
        return !done(seen) && redriven(seen) < redriven(known);
    }

    private static boolean done(GenerationControl.Backfill b) {
        return b != null && b.done();
    }

    private static long redriven(GenerationControl.Backfill b) {
        return b == null ? 0 : b.redriven();
    }

    private record Progress(ReindexStatus.Backfill backfill, Map<String, Map<Integer, Long>> lag, String behind) {
    }

    /** The building generation's backfill and lag behind the active one, and why it is not caught up (null: it is). */
    private Progress progress(Generation building) {
        GenerationControl record = buildingRecord;
        GenerationControl.Backfill b = record != null && record.generation().equals(building.id()) && record.backfill() != null
                ? record.backfill() : GenerationControl.Backfill.none();
        Optional<GenerationWriters.Writer> second = writers.second().filter(w -> w.id().equals(building.id()));
        Map<String, Map<Integer, Long>> lag = new LinkedHashMap<>();
        boolean positionsCaughtUp = second.isPresent();
        boolean applied = second.isPresent() && b.done();
        if (second.isPresent()) {
            VectorIndexWriter activeIndex = writers.activeWriter().index();
            VectorIndexWriter buildingIndex = second.get().index();
            for (Lane lane : new Lane[] {Lane.LIVE, Lane.BULK}) {
                SourceOffsets a = activeIndex.appliedSourceOffsets(lane);
                SourceOffsets g = buildingIndex.appliedSourceOffsets(lane);
                Map<Integer, Long> behind = new TreeMap<>();
                a.nextByPartition().forEach((partition, next) -> {
                    long gap = next - g.next(partition);
                    if (gap > 0) {
                        behind.put(partition, gap);
                    }
                });
                lag.put(lane.name().toLowerCase(java.util.Locale.ROOT), behind);
                positionsCaughtUp &= behind.isEmpty();
            }
            SourceOffsets bulk = buildingIndex.appliedSourceOffsets(Lane.BULK);
            for (Map.Entry<Integer, Long> last : b.lastSent().entrySet()) {
                applied &= bulk.hasApplied(last.getKey(), last.getValue());
            }
        }
        long appliedDocs = second.isPresent() ? documentsApplied(second.get()) : 0;
        long chunks = second.isPresent() ? writers.taggedChunks() : 0;
        double seconds = backfillStartNanos == 0 ? 0 : (System.nanoTime() - backfillStartNanos) / 1e9;
        double rate = seconds <= 0 ? 0 : Math.max(0, appliedDocs - appliedAtBackfillStart) / seconds;
        long left = Math.max(0, b.total() - appliedDocs);
        Long eta = rate > 0 ? Long.valueOf(Math.round(left / rate)) : (applied ? Long.valueOf(0) : null);
        ReindexStatus.Backfill backfillStatus = new ReindexStatus.Backfill(b.total(), b.redriven(), appliedDocs, chunks,
                Math.round(rate * 10) / 10.0, eta, b.done(), applied);
        String behind = null;
        if (second.isEmpty()) {
            behind = building.id() + " is not open in this embed-service (see its log)";
        } else if (b.end().isEmpty() && followers.waiting(building.id()) != null) {
            behind = "the backfill waits for the ingest-service to chunk for " + building.id() + ": "
                    + followers.waiting(building.id());
        } else if (!b.done()) {
            behind = "the backfill re-drove " + b.redriven() + " of " + (b.total() == 0 ? "?" : Long.toString(b.total()))
                    + " documents" + (eta == null ? "" : ", about " + eta + " s left")
                    + (lease.held() ? "" : " (it runs on " + lease.holder() + ")");
        } else if (!applied) {
            behind = "the backfill re-drove every document; " + appliedDocs + " of " + b.total()
                    + " applied to " + building.id() + " so far" + (eta == null ? "" : ", about " + eta + " s left");
        } else if (!positionsCaughtUp) {
            behind = "its live positions are behind the active generation's by " + lag;
        }
        return new Progress(backfillStatus, lag, behind);
    }

    /**
     * The documents the building generation holds: its document marks, counted in the index (so the count survives a
     * restart and is the same on every replica), or, where the store cannot count them, the tagged records this
     * process applied to it.
     */
    private long documentsApplied(GenerationWriters.Writer building) {
        try {
            return building.index().documentCount().orElseGet(writers::taggedApplied);
        } catch (RuntimeException e) {
            // a status must answer while the index is briefly unavailable: the process's own count stands in
            LOG.debugf("counting the documents of %s failed, using this process's count: %s", building.id(), e);
            return writers.taggedApplied();
        }
    }

    /**
     * On the consumer's polling thread after each rebalance: when this replica gained the lease, it resumes the
     * backfill (if one is due); when it lost it, it stops its own (the new holder resumes from the recorded progress).
     * Both off the polling thread: the resume reads kb.generations, the stop waits for the backfill's current step.
     */
    private void assignmentChanged() {
        boolean held = lease.held();
        if (held == leaseHeld) {
            return;
        }
        leaseHeld = held;
        Thread t = new Thread(held ? this::resumeIfLeaseHeld : this::stopIfLeaseLost, "reindex-lease");
        t.setDaemon(true);
        t.start();
    }

    /** Starts the building generation's backfill from its recorded progress, if it is due and this replica holds the lease. */
    private synchronized void resumeIfLeaseHeld() {
        if (!lease.held() || (backfillThread != null && backfillThread.isAlive())) {
            return;
        }
        try {
            Optional<GenerationControl> recorded = recordedBuilding();
            if (recorded.isEmpty()) {
                return;
            }
            GenerationControl resumed = recorded.get();
            buildingRecord = resumed;
            if (resumed.backfill() == null || !resumed.backfill().done()) {
                LOG.infof("resuming the backfill of %s (this replica holds the lease: %s)", resumed.generation(), lease.holder());
                startBackfill(resumed);
            }
        } catch (RuntimeException e) {
            LOG.warnf("cannot resume the backfill: %s", e.toString());
        }
    }

    /** The building generation's newest record on kb.generations (its backfill's progress), if one is building. */
    private Optional<GenerationControl> recordedBuilding() {
        return plans.read().flatMap(Generations::building).map(building -> {
            GenerationControl record = control.readAll().get(building.id());
            return record != null ? record : controlOf(building, GenerationControl.State.BUILDING);
        });
    }

    private synchronized void stopIfLeaseLost() {
        if (!lease.held() && backfillThread != null && backfillThread.isAlive()) {
            LOG.infof("this replica no longer holds the backfill lease; its backfill stops (%s resumes it)", lease.holder());
            stopBackfill();
        }
    }

    private void startBackfill(GenerationControl record) {
        stopBackfill();
        stopBackfill = false;
        backfillStartNanos = System.nanoTime();
        appliedAtBackfillStart = writers.second().map(this::documentsApplied).orElse(0L);
        GenerationControl.Backfill from = record.backfill() == null ? GenerationControl.Backfill.none() : record.backfill();
        String g = record.generation();
        Thread t = new Thread(() -> retries.run(g, from, () -> recordedProgress(g), () -> stopBackfill, resumeFrom -> {
            // a broker outage throws out of here: BackfillRetries waits and resumes from the recorded progress
            if (writers.isChunkedApart(g) && resumeFrom.end().isEmpty()
                    && !followers.await(g, () -> stopBackfill)) {
                return resumeFrom;
            }
            return backfill.run(g, resumeFrom, () -> stopBackfill, state -> {
                if (stopBackfill || !lease.held()) {
                    // a runner told to stop (the lease moved, the generation left building) says nothing more:
                    // the new holder resumes from the last record, and a late one would set it back
                    return;
                }
                GenerationControl next = record.withBackfill(state);
                buildingRecord = next;
                control.write(next);
            });
        }), "reindex-backfill-" + g);
        t.setDaemon(true);
        backfillThread = t;
        t.start();
    }

    /** The progress this replica's backfill of {@code generation} recorded last; null when none. */
    private GenerationControl.Backfill recordedProgress(String generation) {
        GenerationControl r = buildingRecord;
        return r != null && r.generation().equals(generation) ? r.backfill() : null;
    }

    private void stopBackfill() {
        Thread t = backfillThread;
        if (t != null) {
            stopBackfill = true;
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            backfillThread = null;
        }
    }

    void onStop(@Observes io.quarkus.runtime.ShutdownEvent e) {
        if (follower != null) {
            follower.close();
        }
        stopBackfill();
        plans.close();
    }

    /** Drops a generation whose start failed; a failure here leaves an empty store behind, which is only logged. */
    private void dropQuietly(Generation g) {
        try {
            plans.drop(g);
        } catch (RuntimeException e) {
            LOG.warnf("could not drop the store of %s after its failed start: %s", g.id(), e.toString());
        }
    }

    private void record(Generation g, GenerationControl.State state) {
        try {
            GenerationControl known = control.readAll().get(g.id());
            control.write((known != null ? known : controlOf(g, state)).withState(state));
        } catch (RuntimeException e) {
            // the plan pointer changed already: that is what counts; the record follows at the next step
            LOG.warnf("could not record %s as %s on %s: %s", g.id(), state, config.topics().generations(), e.toString());
        }
    }

    private static GenerationControl controlOf(Generation g, GenerationControl.State state) {
        return new GenerationControl(g.id(), g.modelId(), g.dimension(), g.chunkMaxTokens(), state, g.createdAt().toString(),
                GenerationControl.Backfill.none());
    }

    private static ReindexStatus.GenerationInfo info(Generation g) {
        return new ReindexStatus.GenerationInfo(g.id(), g.modelId(), g.chunkMaxTokens(),
                g.state().name().toLowerCase(java.util.Locale.ROOT), g.createdAt().toString());
    }

    private static Generations plan(GenerationPlan layout) {
        return layout.read().orElseThrow(() -> problem(409, "Conflict", "no reindex was ever started: only "
                + Generation.id(1) + " exists"));
    }

    private static Generations change(GenerationPlan layout, Generations expected, Generations next) {
        try {
            return layout.change(expected, next);
        } catch (GenerationConflictException e) {
            throw problem(409, "Conflict", "the plan of generations changed meanwhile: " + e.getMessage());
        }
    }

    private static ProblemException problem(int status, String title, String detail) {
        return new ProblemException(Problem.of(status, title, detail));
    }
}
