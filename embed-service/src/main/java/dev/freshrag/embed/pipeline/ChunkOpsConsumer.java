package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embed.tracing.BatchTracing;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.embedding.EmbeddingRejectedException;
import dev.freshrag.index.Lane;
import java.util.IdentityHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes the two lanes, kb.chunk-ops (live) and kb.chunk-ops.bulk, in batches. The live lane registers every batch
 * in one bounded pool ({@link LanePool}) and its embed worker cuts slices round-robin by tenant ({@link FairSlicer})
 * over everything received and not finished, so a tenant's edit received behind another tenant's flood is in the next
 * slice; a bulk batch is sliced on its own. A slice is embedded when the {@link LaneScheduler} gives its lane the turn
 * (live first: bulk only while the live lane holds no batch), then written and committed on the single index-writer
 * thread while the next slice embeds (pipelining); in a backlog (every tenant of the slice has more queued) several
 * slices share one write and commit ({@link WriteCoalescing}), an edit's slice never waits for that. The index
 * records each lane's source positions with every commit ({@link LaneProgress}: never past a record not yet
 * applied), and a batch is acknowledged only after all its
 * records are committed (or dead-lettered), so offsets are committed after the index write is durable (batches may
 * finish out of order: the connector's throttled commit strategy commits only up to the first offset not yet
 * acknowledged). While the model or the index fails, the step is retried with backoff ({@link TransientFaultRetry});
 * the pool fills, the consumer stops taking batches and the connector pauses the partitions until it succeeds. Only records that fail to parse or validate, and a record whose text a remote
 * embedding server rejects (HTTP 400/413/422), deterministic input errors both, go to kb.dlq, and the batch goes on.
 */
@ApplicationScoped
public class ChunkOpsConsumer {

    private static final Logger LOG = Logger.getLogger(ChunkOpsConsumer.class);
    public static final String CHANNEL = "chunk-ops";
    public static final String BULK_CHANNEL = "chunk-ops-bulk";
    public static final String DLQ_CHANNEL = "dlq-out";

    /** The generations written (the active one, and a building one during a reindex): see {@link GenerationWriters}. */
    private final GenerationWriters generations;
    private final EmbedMetrics metrics;
    private final EmbedConfig config;
    private final MutinyEmitter<byte[]> dlq;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final TransientFaultRetry retry;
    private final BatchTracing tracing;
    private final LaneScheduler scheduler = new LaneScheduler();
    /** Every index write and commit of both lanes, in submission order: one writer, so marks read what came before. */
    private final ExecutorService indexWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embed-index-writer");
        t.setDaemon(true);
        return t;
    });

    private final LaneFences fences;
    /** Every live batch received and not finished: the live worker slices them all, fairly by tenant. */
    private final LanePool<LiveBatch> livePool;
    /** The live lane's embed worker, started with the first live batch. */
    private Thread liveWorker;
    /**
     * A live slice may be given up between model calls and cut again only when the embedding cache keeps what was
     * embedded (freshrag.embedding.cache-entries > 0); without it, live slices stay cut by time.
     */
    private final boolean resumable;
    /** The model's recent speed, measured on every model call: sizes live slices and calls by time. */
    private final EmbedRate embedRate = new EmbedRate();
    private final SliceSizes sizes;
    /** Whether embedded slices of a backlog wait to share one write and commit ({@code backlog-commit-interval}). */
    private final WriteCoalescing coalescing;
    private volatile Throwable liveFailure;

    public ChunkOpsConsumer(GenerationWriters generations, EmbedMetrics metrics, EmbedConfig config,
                            @Channel(DLQ_CHANNEL) MutinyEmitter<byte[]> dlq, LaneFences fences, BatchTracing tracing) {
        this.tracing = tracing;
        this.generations = generations;
        this.fences = fences;
        this.metrics = metrics;
        this.config = config;
        this.dlq = dlq;
        this.livePool = new LanePool<>(config.batching().livePendingRecords());
        this.resumable = config.embedding().cacheEntries() > 0;
        this.sizes = new SliceSizes(config.batching(), embedRate, resumable);
        this.coalescing = new WriteCoalescing(config.batching().backlogCommitInterval());
        this.retry = new TransientFaultRetry(config.retry().initialBackoff(), config.retry().maxBackoff(), metrics, stopping::get);
    }

    /** Consecutive failed index attempts of the current batch; health turns DOWN past a threshold. */
    public int consecutiveFailures() {
        return retry.consecutiveFailures(TransientFaultRetry.Stage.INDEX);
    }

    /** The retry state of the model and index steps, for health checks. */
    public TransientFaultRetry retry() {
        return retry;
    }

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent e) {
        stopping.set(true);
        indexWriter.shutdown();
        synchronized (this) {
            if (liveWorker != null) {
                liveWorker.interrupt();
            }
        }
    }

    /**
     * A live batch: the consumer registers its records in the live pool and returns at once (in delivery order: the
     * method is ordered); the live worker acknowledges the batch once all its records are durable or dead-lettered.
     * The next batch is taken while this one waits, so a record received later can be in the next slice. Registering
     * waits while the pool holds {@code freshrag.batching.live-pending-records} records; then this worker takes no
     * batches and the connector pauses the partitions.
     */
    @Incoming(CHANNEL)
    @Blocking(ordered = true)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL) // returning acknowledges nothing: the live worker does, once durable
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        throwIfLiveLaneFailed();
        List<Parsed> records = parseAll(batch);
        if (records.isEmpty()) {
            return batch.ack();
        }
        startLiveWorker();
        Map<DocumentOps, Origin> origins = new IdentityHashMap<>();
        List<DocumentOps> ops = new ArrayList<>(records.size());
        PartitionFence fence = fences.of(Lane.LIVE);
        PartitionFence.Ticket ticket = fence.admit(records.stream().map(p -> p.ops().sourcePartition()).toList());
        for (Parsed p : records) {
            ops.add(p.ops());
            origins.put(p.ops(), new Origin(p.record(), ticket));
        }
        scheduler.liveBatchStarted();
        metrics.laneReceived(Lane.LIVE, ops.size());
        try {
            livePool.register(new LiveBatch(batch, ticket, origins), ops, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fence.finished(ticket);
            scheduler.liveBatchFinished();
            metrics.laneAbandoned(Lane.LIVE, ops.size());
            throw new IllegalStateException("interrupted while waiting for room in the live pool; the batch is not acknowledged", e);
        }
        throwIfLiveLaneFailed();
        return CompletableFuture.completedFuture(null); // acknowledged by the live worker, once durable
    }

    @Incoming(BULK_CHANNEL)
    @Blocking(ordered = true)
    public CompletionStage<Void> consumeBulk(KafkaRecordBatch<String, byte[]> batch) {
        process(Lane.BULK, parseAll(batch));
        return batch.ack();
    }

    private List<Parsed> parseAll(KafkaRecordBatch<String, byte[]> batch) {
        List<Parsed> good = new ArrayList<>();
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            try {
                good.add(new Parsed(r, parse(r)));
            } catch (InvalidEventException e) {
                deadLetter(r, e.getMessage(), e.violations().isEmpty() ? "$" : e.violations().get(0).field());
            }
        }
        return good;
    }

    /** A live batch in the pool: what to acknowledge once all its records are handled, and its fence ticket. */
    private record LiveBatch(KafkaRecordBatch<String, byte[]> batch, PartitionFence.Ticket ticket,
                             Map<DocumentOps, Origin> origins) {
    }

    /** Where a record came from, and the fence ticket of its batch. */
    private record Origin(KafkaRecord<String, byte[]> record, PartitionFence.Ticket ticket) {
    }

    private synchronized void startLiveWorker() {
        if (liveWorker == null) {
            liveWorker = new Thread(this::runLiveLane, "embed-live-lane");
            liveWorker.setDaemon(true);
            liveWorker.start();
        }
    }

    private void throwIfLiveLaneFailed() {
        Throwable failure = liveFailure;
        if (failure != null) {
            throw new IllegalStateException("the live lane failed; its batches are not acknowledged", failure);
        }
    }

    /**
     * The live lane's embed worker: slices everything in the live pool round-robin by tenant, embeds a slice when the
     * scheduler gives the live lane the turn, and hands it to the index-writer thread while the next slice embeds (at
     * most one live slice in writing). A batch is acknowledged on the writer thread once all its records are handled.
     */
    private void runLiveLane() {
        Future<?> writing = null;
        Held held = null; // embedded, not yet written: a backlog's slices wait to share one commit
        try {
            while (!stopping.get()) {
                if (held != null && coalescing.due(held.since(), System.nanoTime())) {
                    await(writing);
                    writing = writeLive(held);
                    held = null;
                }
                if (!livePool.awaitWork(held == null ? 100 : 0)) {
                    if (held != null) {
                        await(writing); // nothing more to embed: what waited is written now
                        writing = writeLive(held);
                        held = null;
                    } else if (writing != null && writing.isDone()) {
                        await(writing); // a failed write surfaces here even when no slice follows it
                        writing = null;
                    }
                    continue;
                }
                List<DocumentOps> slice;
                Embedded embedded;
                Instant embedStart;
                scheduler.acquire(Lane.LIVE);
                try {
                    slice = withoutRevoked(livePool.next(budget(Lane.LIVE)));
                    if (slice.isEmpty()) {
                        continue;
                    }
                    embedStart = Instant.now();
                    java.util.Set<String> sliceTenants = new java.util.HashSet<>();
                    slice.forEach(o -> sliceTenants.add(o.tenant()));
                    // another tenant's work arrived: give the slice up between two model calls (its vectors so far
                    // stay cached), so that tenant waits for one call, not for a slice grown while one tenant was alone
                    embedded = embedInCalls(Lane.LIVE, slice, o -> livePool.batchOf(o).owner.origins().get(o).record(),
                            () -> resumable && livePool.othersWaiting(sliceTenants));
                } finally {
                    scheduler.release();
                }
                if (embedded == null) {
                    livePool.putBack(slice);
                    continue;
                }
                Instant embedEnd = Instant.now();
                Instant received = embedStart;
                Map<DocumentOps, Origin> origins = new IdentityHashMap<>();
                for (DocumentOps o : slice) {
                    LanePool.Batch<LiveBatch> b = livePool.batchOf(o);
                    origins.put(o, b.owner.origins().get(o));
                    received = b.received.isBefore(received) ? b.received : received;
                }
                Held next = new Held(slice, embedded, origins, new Timing(received, embedStart, embedEnd), System.nanoTime());
                if (held != null && !held.embedded().generation().equals(embedded.generation())) {
                    await(writing); // a reindex switched the active generation between two slices: never one write
                    writing = writeLive(held);
                    held = null;
                }
                held = held == null ? next : held.plus(next);
                if (coalescing.hold(held.since(), System.nanoTime(), livePool.allWaiting(tenantsOf(slice)))) {
                    continue;
                }
                await(writing);
                writing = writeLive(held);
                held = null;
            }
        } catch (InterruptedException e) {
            failLiveLane(e);
        } catch (RuntimeException | Error e) {
            failLiveLane(e);
        }
    }

    /** Hands held live slices to the index-writer thread: one write, one commit. */
    private Future<Integer> writeLive(Held held) {
        return write(Lane.LIVE, held.slice(), held.embedded(), livePool.progress(), held.origins()::get, held.timing(),
                this::liveHandled);
    }

    private static java.util.Set<String> tenantsOf(List<DocumentOps> slice) {
        java.util.Set<String> tenants = new java.util.HashSet<>();
        slice.forEach(o -> tenants.add(o.tenant()));
        return tenants;
    }

    /**
     * Slices embedded and not yet written, in the order they were cut (so each document's records stay in source
     * order): written as one slice, with one commit ({@link WriteCoalescing}). Nothing of them is acknowledged before
     * that write is durable; a crash or a shutdown meanwhile replays them.
     *
     * @param since when the first of them was embedded ({@link System#nanoTime()})
     */
    private record Held(List<DocumentOps> slice, Embedded embedded, Map<DocumentOps, Origin> origins, Timing timing,
                        long since) {

        Held plus(Held next) {
            List<DocumentOps> records = new ArrayList<>(slice);
            records.addAll(next.slice);
            List<DocumentOps> kept = new ArrayList<>(embedded.kept());
            kept.addAll(next.embedded.kept());
            Map<String, float[]> vectors = new java.util.HashMap<>(embedded.vectors());
            vectors.putAll(next.embedded.vectors());
            Map<DocumentOps, Origin> allOrigins = new IdentityHashMap<>(origins);
            allOrigins.putAll(next.origins);
            Instant received = next.timing.received().isBefore(timing.received()) ? next.timing.received() : timing.received();
            return new Held(records, new Embedded(kept, vectors, embedded.generation()), allOrigins,
                    new Timing(received, timing.embedStart(), next.timing.embedEnd()), since);
        }
    }

    /**
     * The records of a slice whose partitions their batch still holds. Those of a partition revoked since (and not
     * waited for) are abandoned here, before the model spends time on them: the partition's new owner applies them.
     */
    private List<DocumentOps> withoutRevoked(List<DocumentOps> slice) {
        List<DocumentOps> held = new ArrayList<>(slice.size());
        List<DocumentOps> revoked = new ArrayList<>();
        for (DocumentOps o : slice) {
            PartitionFence.Ticket ticket = livePool.batchOf(o).owner.origins().get(o).ticket();
            (ticket.holds(o.sourcePartition()) ? held : revoked).add(o);
        }
        if (!revoked.isEmpty()) {
            LOG.infof("live lane: %d records of revoked partitions abandoned (their new owner applies them)", revoked.size());
            livePool.progress().abandoned(revoked);
            metrics.laneAbandoned(Lane.LIVE, revoked.size());
            liveHandled(revoked);
        }
        return held;
    }

    /** On the index-writer thread (or the live worker, for records abandoned before embedding): the slice is durable (or dead-lettered, or abandoned); finished batches are acked. */
    private void liveHandled(List<DocumentOps> slice) {
        for (LanePool.Batch<LiveBatch> b : livePool.handled(slice)) {
            fences.of(Lane.LIVE).finished(b.owner.ticket());
            scheduler.liveBatchFinished();
            b.owner.batch().ack();
        }
    }

    /**
     * A shutdown or an unexpected fault: nothing pending is acknowledged (it is replayed from the last committed
     * offset). On a fault the batches are nacked, so the channel fails as it did when the consumer method threw; on a
     * shutdown they are just left unacknowledged.
     */
    private void failLiveLane(Throwable e) {
        liveFailure = e;
        boolean shutdown = stopping.get();
        int abandoned = livePool.pending();
        for (LanePool.Batch<LiveBatch> b : livePool.drain()) {
            fences.of(Lane.LIVE).finished(b.owner.ticket());
            scheduler.liveBatchFinished();
            if (!shutdown) {
                b.owner.batch().nack(e);
            }
        }
        metrics.laneAbandoned(Lane.LIVE, abandoned);
        if (!shutdown) {
            LOG.errorf(e, "the live lane failed; %d records not acknowledged", abandoned);
        }
    }

    /**
     * Applies one bulk batch slice by slice and returns once every slice is durable. At most one slice of the lane
     * is being written while the next one embeds.
     */
    private void process(Lane lane, List<Parsed> records) {
        if (records.isEmpty()) {
            return;
        }
        metrics.laneReceived(lane, records.size());
        Instant received = Instant.now();
        List<DocumentOps> ops = new ArrayList<>(records.size());
        PartitionFence fence = fences.of(lane);
        PartitionFence.Ticket ticket = fence.admit(records.stream().map(p -> p.ops().sourcePartition()).toList());
        Map<DocumentOps, Origin> origins = new IdentityHashMap<>();
        for (Parsed p : records) {
            ops.add(p.ops());
            origins.put(p.ops(), new Origin(p.record(), ticket));
        }
        FairSlicer slicer = new FairSlicer(ops);
        LaneProgress progress = new LaneProgress(ops);
        Future<?> writing = null;
        Held held = null; // embedded, not yet written: the batch's slices share commits ({@link WriteCoalescing})
        int done = 0;
        try {
            while (slicer.hasNext()) {
                List<DocumentOps> slice;
                Embedded embedded;
                Instant embedStart;
                scheduler.acquire(lane);
                try {
                    slice = slicer.next(budget(lane));
                    embedStart = Instant.now();
                    embedded = embedInCalls(lane, slice, o -> origins.get(o).record(), () -> false);
                } finally {
                    scheduler.release();
                }
                Instant embedEnd = Instant.now();
                Held next = new Held(slice, embedded, origins, new Timing(received, embedStart, embedEnd), System.nanoTime());
                if (held != null && !held.embedded().generation().equals(embedded.generation())) {
                    done += await(writing);
                    writing = write(lane, held.slice(), held.embedded(), progress, origins::get, held.timing(), handled -> { });
                    held = null;
                }
                held = held == null ? next : held.plus(next);
                // a bulk batch is a backlog: its slices wait for each other up to the interval, the last one not at all
                if (slicer.hasNext() && coalescing.hold(held.since(), System.nanoTime(), true)) {
                    continue;
                }
                done += await(writing);
                writing = write(lane, held.slice(), held.embedded(), progress, origins::get, held.timing(), handled -> { });
                held = null;
            }
            done += await(writing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.laneAbandoned(lane, records.size() - done);
            throw new IllegalStateException("interrupted while applying a " + lane + " batch; it is not acknowledged", e);
        } catch (RuntimeException e) {
            metrics.laneAbandoned(lane, records.size() - done);
            throw e;
        } finally {
            fence.finished(ticket);
        }
    }

    /**
     * Writes and commits the slice on the index-writer thread; the future answers how many records it handled. Each
     * attempt writes only the records whose partitions the fence still holds for their batch: those of a partition
     * revoked meanwhile are abandoned, neither written nor counted applied (the partition's new owner applies them).
     * {@code handled} runs on the writer thread once the slice is durable.
     */
    private Future<Integer> write(Lane lane, List<DocumentOps> slice, Embedded embedded, LaneProgress progress,
                                  java.util.function.Function<DocumentOps, Origin> originOf, Timing timing,
                                  java.util.function.Consumer<List<DocumentOps>> handled) {
        PartitionFence fence = fences.of(lane);
        // here, on the lane's thread: a document of thousands of chunks must not hold the writer thread (other lane)
        GenerationWriters.Writer activeNow = generations.activeWriter();
        PreparedWrites prepared = activeNow.id().equals(embedded.generation())
                ? activeNow.applier().prepare(embedded.kept(), embedded.vectors()) : PreparedWrites.NONE;
        java.util.function.Function<DocumentOps, String> tagOf = o -> generationTag(originOf.apply(o).record());
        // the second generation's model (a reindex) runs here too, on the lane's thread: the writer thread only writes
        GenerationWriters.SecondVectors secondVectors = generations.secondId().isEmpty()
                ? GenerationWriters.SecondVectors.NONE
                : retry.call(() -> generations.secondVectors(embedded.kept(), tagOf));
        // a dead-lettered record is not written, but counts as handled: the lane's position moves past it
        return indexWriter.submit(() -> {
            try (prepared) {
                Instant writeStart = Instant.now();
                java.util.concurrent.atomic.AtomicReference<List<DocumentOps>> held = new java.util.concurrent.atomic.AtomicReference<>();
                Integer result = retry.call(() -> {
                    List<DocumentOps> holding = slice.stream()
                            .filter(o -> originOf.apply(o).ticket().holds(o.sourcePartition())).toList();
                    held.set(holding);
                    if (holding.isEmpty()) {
                        return 0;
                    }
                    java.util.Set<DocumentOps> holdingSet = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                    holdingSet.addAll(holding);
                    Map<PartitionFence.Ticket, java.util.Set<Integer>> tickets = new IdentityHashMap<>();
                    for (DocumentOps o : holding) {
                        tickets.computeIfAbsent(originOf.apply(o).ticket(), t -> new java.util.TreeSet<>()).add(o.sourcePartition());
                    }
                    List<DocumentOps> kept = embedded.kept().stream().filter(holdingSet::contains).toList();
                    return fence.write(tickets, () -> generations.write(lane, kept, tagOf, embedded.generation(), embedded.vectors(), secondVectors,
                            progress.positionsAfter(holding), prepared));
                });
                List<DocumentOps> appliedSlice = result == null ? List.of() : held.get();
                if (appliedSlice.size() < slice.size()) {
                    LOG.infof("%s lane: %d records of revoked partitions abandoned (their new owner applies them)", lane,
                            slice.size() - appliedSlice.size());
                    java.util.Set<DocumentOps> appliedSet = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                    appliedSet.addAll(appliedSlice);
                    List<DocumentOps> abandoned = slice.stream().filter(o -> !appliedSet.contains(o)).toList();
                    progress.abandoned(abandoned);
                    metrics.laneAbandoned(lane, abandoned.size());
                }
                int superseded = result == null ? 0 : result;
                progress.applied(appliedSlice);
                Instant durable = Instant.now();
                long durableAt = durable.toEpochMilli();
                BatchTracing.SliceTimes times = new BatchTracing.SliceTimes(timing.received(), timing.embedStart(),
                        timing.embedEnd(), writeStart, durable, appliedSlice.size(), chunksToEmbed(appliedSlice));
                String laneTag = lane.name().toLowerCase(java.util.Locale.ROOT);
                for (DocumentOps o : appliedSlice) {
                    KafkaRecord<String, byte[]> r = originOf.apply(o).record();
                    // recorded inside the record's span: the freshness histogram's exemplar names the change's trace
                    tracing.applied(new BatchTracing.RecordInfo(r.getHeaders(), r.getTopic(), r.getPartition(), laneTag,
                            o.tenant(), o.docId(), o.version()), times, () -> {
                        if (!o.kind().positionOnly()) {
                            metrics.fresh(r.getTimestamp().toEpochMilli(), durableAt);
                        }
                    });
                }
                metrics.laneApplied(lane, appliedSlice.size(), superseded);
                handled.accept(slice);
                return slice.size();
            }
        });
    }

    /** The generation a record is for ({@code freshrag-generation} header), or null: a live record, every generation's. */
    private static String generationTag(KafkaRecord<String, byte[]> record) {
        org.apache.kafka.common.header.Header h = record.getHeaders().lastHeader(dev.freshrag.events.GenerationHeader.NAME);
        return h == null ? null : dev.freshrag.events.GenerationHeader.of(h.value()).orElse(null);
    }

    /** When a slice's batch arrived and its embedding ran, and where its records came from: for their spans. */
    private record Timing(Instant received, Instant embedStart, Instant embedEnd) {
    }

    private static int chunksToEmbed(List<DocumentOps> slice) {
        int n = 0;
        for (DocumentOps o : slice) {
            for (ChunkOp op : o.ops()) {
                if (op.type() == ChunkOp.Type.EMBED) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The vectors of a slice, and the records of it to write (all but those dead-lettered). */
    private record Embedded(List<DocumentOps> kept, Map<String, float[]> vectors, String generation) {
    }

    /**
     * Embeds a slice in model calls of {@link #callTexts} texts, the lane's scheduler turn given back between two calls
     * ({@link ModelCalls}); the turn is held on entry and on return. Answers null when {@code preempt} gave the slice up
     * between two calls. A text an embedding server rejects sends the slice down {@link #embed}'s path, record by
     * record.
     */
    private Embedded embedInCalls(Lane lane, List<DocumentOps> slice,
                                  java.util.function.Function<DocumentOps, KafkaRecord<String, byte[]>> sources,
                                  java.util.function.BooleanSupplier preempt) throws InterruptedException {
        GenerationWriters.Writer active = generations.activeWriter(); // the model the vectors are for
        BatchApplier applier = active.applier();
        // a record re-driven into a building generation is embedded with that generation's model only
        Map<String, String> texts = BatchPlan.of(slice.stream().filter(o -> generations.takes(active.id(), o,
                generationTag(sources.apply(o)))).toList()).textsToEmbed();
        Map<String, float[]> vectors = new java.util.HashMap<>(applier.cachedVectors(texts));
        Map<String, String> missing = new java.util.LinkedHashMap<>(texts);
        missing.keySet().removeAll(vectors.keySet());
        ModelCalls calls = new ModelCalls(t -> retry.call(() -> applier.embedTexts(t)), scheduler.turn(lane),
                System::nanoTime, embedRate);
        try {
            Map<String, float[]> embedded = calls.embed(missing, callTexts(lane), preempt);
            if (embedded == null) {
                return null;
            }
            vectors.putAll(embedded);
            return new Embedded(slice, vectors, active.id());
        } catch (EmbeddingRejectedException e) {
            return embed(slice, sources);
        }
    }

    /** Texts per model call of the lane ({@link SliceSizes#call}). */
    private int callTexts(Lane lane) {
        return sizes.call(lane, lane == Lane.BULK && scheduler.liveRecentlyActive(config.batching().liveQuiet().toNanos()));
    }

    /**
     * Embeds a slice. Every record here parsed and validated: a failure of the model or the index is no fault of the
     * records, so it is retried (this worker blocks, the partitions stay paused), never dead-lettered. An embedding
     * server that refuses a text (too long for it, unreadable) is deterministic, but its answer does not say whose:
     * record by record, until the one it refuses is alone and dead-lettered.
     */
    private Embedded embed(List<DocumentOps> slice, java.util.function.Function<DocumentOps, KafkaRecord<String, byte[]>> sources) {
        GenerationWriters.Writer active = generations.activeWriter(); // the model the vectors are for
        try {
            return new Embedded(slice, retry.call(() -> active.applier().vectors(BatchPlan.of(slice))), active.id());
        } catch (EmbeddingRejectedException e) {
            if (slice.size() == 1) {
                deadLetter(sources.apply(slice.get(0)), "the embedding server rejected a text: " + e.getMessage(), "ops");
                return new Embedded(List.of(), Map.of(), active.id());
            }
            LOG.warnf("the embedding server rejected a slice of %d records, retrying them one by one: %s",
                    slice.size(), e.getMessage());
            List<DocumentOps> kept = new ArrayList<>();
            Map<String, float[]> vectors = new java.util.HashMap<>();
            for (DocumentOps o : slice) {
                Embedded one = embed(List.of(o), sources);
                kept.addAll(one.kept());
                if (one.generation().equals(active.id())) {
                    vectors.putAll(one.vectors()); // else a switch came between: the write embeds them again
                }
            }
            return new Embedded(kept, vectors, active.id());
        }
    }

    private static int await(Future<?> writing) throws InterruptedException {
        if (writing == null) {
            return 0;
        }
        try {
            return (Integer) writing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // a shutdown during a retry: the batch stays unacknowledged and is replayed
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Chunks to embed in the next slice of the lane ({@link SliceSizes#slice}). */
    private int budget(Lane lane) {
        return lane == Lane.LIVE ? sizes.liveSlice(livePool.tenantsWaiting())
                : sizes.bulkSlice(scheduler.liveRecentlyActive(config.batching().liveQuiet().toNanos()));
    }

    static DocumentOps parse(KafkaRecord<String, byte[]> r) {
        DocumentOps ops = EventJson.readDocumentOps(r.getPayload());
        if (ops.tenant() == null || ops.docId() == null || ops.kind() == null) {
            throw new InvalidEventException("$", "tenant, docId and kind are required");
        }
        Optional<DocumentKey> key = DocumentKey.parse(r.getKey());
        if (key.isEmpty() || !key.get().equals(ops.key())) {
            throw new InvalidEventException("$key", "the record key must be tenant/docId of the operations");
        }
        for (ChunkOp op : ops.ops()) {
            if (op.type() == null || op.chunkId() == null) {
                throw new InvalidEventException("ops", "every operation needs a type and a chunkId");
            }
            if (op.type() == ChunkOp.Type.EMBED && (op.text() == null || op.hash() == null || op.seq() == null)) {
                throw new InvalidEventException("ops", "EMBED needs text, hash and seq (chunk " + op.chunkId() + ")");
            }
            if (op.type() == ChunkOp.Type.PAYLOAD && op.seq() == null) {
                throw new InvalidEventException("ops", "PAYLOAD needs seq (chunk " + op.chunkId() + ")");
            }
        }
        return ops;
    }

    private void deadLetter(KafkaRecord<String, byte[]> r, String reason, String field) {
        metrics.deadLettered();
        LOG.warnf("dead-lettering %s-%d@%d: %s", r.getTopic(), r.getPartition(), offset(r), reason);
        RecordHeaders headers = new RecordHeaders(r.getHeaders().toArray());
        DlqHeaders.of(reason, field, DlqHeaders.Stage.EMBED, r.getTopic(), r.getPartition(), offset(r), Instant.now())
                .forEach(headers::add);
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(r.getKey()).withHeaders(headers).withTopic(config.topics().dlq()).build();
        byte[] value = r.getPayload() == null ? new byte[0] : r.getPayload();
        // wait for the DLQ write: the source offset is acknowledged only once the record is safe elsewhere
        dlq.sendMessageAndAwait(Message.of(value).addMetadata(meta));
    }

    private static long offset(KafkaRecord<String, byte[]> r) {
        return r.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .map(m -> m.getOffset()).orElse(-1L);
    }

    private record Parsed(KafkaRecord<String, byte[]> record, DocumentOps ops) {
    }
}
