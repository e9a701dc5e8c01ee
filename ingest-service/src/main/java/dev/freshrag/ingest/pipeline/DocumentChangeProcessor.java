package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.RepairHeader;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.Priority;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Limits;
import dev.freshrag.events.Op;
import dev.freshrag.events.Violation;
import dev.freshrag.ingest.chunking.Chunk;
import dev.freshrag.ingest.chunking.Chunker;
import dev.freshrag.ingest.chunking.DocumentChunker;
import dev.freshrag.ingest.chunking.TextExtractor;
import dev.freshrag.ingest.cloudevents.KafkaCloudEvents;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.ingest.tracing.StreamsTracing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * The heart of the ingest-service: validate, guard versions, chunk, and diff against the document's
 * previous version, emitting one {@link DocumentOps} per event. Runs inside an exactly-once Kafka Streams
 * task, so the state store update and the emitted operations commit together or not at all.
 */
public class DocumentChangeProcessor implements Processor<byte[], byte[], byte[], Object> {

    private static final Logger LOG = Logger.getLogger(DocumentChangeProcessor.class);

    private final DocumentChunker documents;
    private final DocumentChangeValidator validator;
    private final IngestMetrics metrics;
    private final Optional<Duration> tombstoneRetention;
    private final Clock clock;
    private final KafkaCloudEvents cloudEvents = new KafkaCloudEvents();
    private final StreamsTracing tracing;
    private final String docChangesTopic;
    /** The generations with a chunking of their own (a re-chunking reindex); null: none are followed. */
    private final GenerationChunkings generations;
    /** The generations this task said on kb.generations that it follows (said again after a restart: harmless). */
    private final java.util.Set<String> followed = new java.util.HashSet<>();
    /** Whether this task said its chunking on kb.generations since it started ({@link dev.freshrag.events.IngestChunking}). */
    private boolean chunkingSaid;

    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<String, DocumentState> store;
    private KeyValueStore<String, Long> deferredPending;

    /**
     * @param docChangesTopic the name of kb.doc-changes, which a deferred record's operations, dead letters and spans
     *                        name as its source (it arrives from kb.doc-changes.bulk)
     */
    public DocumentChangeProcessor(Chunker chunker, DocumentChangeValidator validator, IngestMetrics metrics,
                                   Optional<Duration> tombstoneRetention, Clock clock, StreamsTracing tracing, String docChangesTopic) {
        this(chunker, validator, metrics, tombstoneRetention, clock, tracing, docChangesTopic, null);
    }

    /**
     * @param generations the generations chunked apart (kb.generations), whose stores this processor is connected to
     */
    DocumentChangeProcessor(Chunker chunker, DocumentChangeValidator validator, IngestMetrics metrics,
                            Optional<Duration> tombstoneRetention, Clock clock, StreamsTracing tracing, String docChangesTopic,
                            GenerationChunkings generations) {
        this.generations = generations;
        this.tracing = tracing;
        this.docChangesTopic = docChangesTopic;
        this.documents = new DocumentChunker(new TextExtractor(), chunker, Limits.MAX_CHUNKS_PER_DOCUMENT);
        this.validator = validator;
        this.metrics = metrics;
        this.tombstoneRetention = tombstoneRetention;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.store = context.getStateStore(TopologyProducer.DOCUMENT_STATE_STORE);
        this.deferredPending = context.getStateStore(LaneRouter.PENDING_STORE);
        // tombstones are kept forever unless a retention is configured: nothing to sweep by default
        tombstoneRetention.ifPresent(retention -> {
            TombstoneSweeper sweeper = new TombstoneSweeper(store, retention, clock, TombstoneSweeper.DEFAULT_MAX_STATES_PER_SWEEP);
            context.schedule(sweeper.interval(), PunctuationType.WALL_CLOCK_TIME, now -> sweeper.sweep());
        });
        if (generations != null) {
            generations.init(context);
            // wall-clock: also on a partition without traffic, so a reindex's backfill never waits for a change to come
            context.schedule(FOLLOW_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::followGenerations);
        }
    }

    /** How often a task looks for a new generation chunked apart (to say it follows it) and sweeps closed ones' state. */
    static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);
    /** At most this many diff states of closed generations deleted per task and interval. */
    static final int SWEEP_PER_INTERVAL = 1000;

    /**
     * Says on kb.generations the chunking this task runs with (once per start), and, once per generation chunked apart,
     * that this task chunks every change for it from now on
     * ({@link dev.freshrag.events.GenerationFollowed}, in this task's transaction: every change processed before is
     * on kb.doc-log before the word is visible), and sweeps the diff state of aborted and dropped generations.
     */
    private void followGenerations(long now) {
        int partition = context.taskId().partition();
        if (!chunkingSaid) {
            // the embed-service checks it against the chunking it assumes before a reindex (IngestChunking)
            dev.freshrag.events.IngestChunking word = new dev.freshrag.events.IngestChunking(partition,
                    generations.baseMaxTokens(), Instant.ofEpochMilli(now).toString());
            context.forward(new Record<byte[], Object>(word.key().getBytes(StandardCharsets.UTF_8), EventJson.write(word), now),
                    TopologyProducer.GENERATIONS_SINK);
            chunkingSaid = true;
        }
        for (GenerationChunkings.Rechunked g : generations.open()) {
            if (followed.add(g.id())) {
                dev.freshrag.events.GenerationFollowed word = new dev.freshrag.events.GenerationFollowed(g.id(), partition,
                        Instant.ofEpochMilli(now).toString());
                context.forward(new Record<byte[], Object>(word.key().getBytes(StandardCharsets.UTF_8), EventJson.write(word), now),
                        TopologyProducer.GENERATIONS_SINK);
                LOG.infof("partition %d: changes are chunked for %s at %d tokens too", partition, g.id(), g.maxTokens());
            }
        }
        int swept = generations.sweep(SWEEP_PER_INTERVAL);
        if (swept > 0) {
            LOG.debugf("partition %d: %d diff states of closed generations deleted", partition, swept);
        }
    }

    /** The span of the event being processed; every record emitted meanwhile carries its context. */
    private StreamsTracing.Active span;
    /** Whether the event being processed came through kb.doc-changes.bulk: its operations go to the bulk lane. */
    private boolean deferredNow;

    @Override
    public void process(Record<byte[], byte[]> record) {
        var metadata = context.recordMetadata().orElseThrow();
        Source source = new Source(metadata.topic(), metadata.partition(), metadata.offset());
        // the LaneRouter strips this header from kb.doc-changes records: only its copies on kb.doc-changes.bulk have it
        Optional<DeferredOrigin> deferred = DeferredOrigin.of(record.headers());
        deferredNow = deferred.isPresent();
        // a live record comes from the LaneRouter with its own time already
        if (deferred.isPresent()) {
            // exactly the original record from here on: its position, its timestamp, its headers
            record.headers().remove(DeferredOrigin.HEADER);
            record = record.withTimestamp(deferred.get().timestamp());
            source = new Source(docChangesTopic, deferred.get().partition(), deferred.get().offset());
            LaneRouter.taken(deferredPending, record.key());
        }
        try (StreamsTracing.Active active = tracing.start(record.headers(), source.topic(), source.partition(), source.offset())) {
            span = active;
            try {
                process(record, source);
            } catch (RuntimeException e) {
                active.failed(e);
                throw e;
            } finally {
                span = null;
            }
        }
    }

    /** Where the record stands on kb.doc-changes (for a deferred record: where the original stands). */
    private record Source(String topic, int partition, long offset) {
    }

    private void process(Record<byte[], byte[]> record, Source source) {
        DocumentChange event;
        try {
            event = parse(record);
        } catch (InvalidEventException e) {
            deadLetter(record, source, e.violations());
            return;
        }
        DocumentKey key = event.key();
        String storeKey = key.toString();
        DocumentState state = store.get(storeKey);
        long now = clock.millis();

        // a repair (./freshrag verify --repair) re-drives the stored version itself: the guard's "already applied"
        // is exactly what verify found untrue in the index, so only an older version is dropped
        boolean repair = record.headers().lastHeader(RepairHeader.NAME) != null;
        Optional<StaleReason> stale = staleness(event, state)
                .filter(reason -> !(repair && reason == StaleReason.SAME_VERSION));
        if (stale.isPresent()) {
            metrics.stale(stale.get().tag);
            if (stale.get() == StaleReason.OLDER) {
                // out of order or replayed: worth seeing, unlike the routine redelivery of the current version
                LOG.infof("dropped %s %s v%d: older than the stored v%d", storeKey, event.op(), event.version(), state.version());
            } else {
                LOG.debugf("dropped %s %s v%d: the stored version is v%d", storeKey, event.op(), event.version(), state.version());
            }
            forward(record, new DocumentOps(key.tenant(), key.docId(), state.version(), DocumentOps.Kind.SKIP,
                    null, null, null, 0, source.partition(), source.offset()));
            return;
        }
        // a reindex's re-drive (tagged with the generation it fills) must reproduce the stored state exactly: the
        // rebuild log's record it re-drives may have been overtaken meanwhile by a change at the same version (a
        // versionless DELETE or UPSERT), which went to every generation live; re-applying the older record would
        // bring old content back into the state and the new generation
        boolean reindex = repair && record.headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME) != null;
        if (reindex && event.op() == Op.DELETE && (state == null || !state.deleted())) {
            skipRedrive(record, source, key, state, "the document is live again");
            return;
        }
        if (event.op() == Op.DELETE) {
            long version = delete(storeKey, event, state, now);
            // a DELETE removes every chunk of the document whatever its chunking: the one record reaches every generation
            if (generations != null) {
                for (GenerationChunkings.Rechunked g : generations.open()) {
                    generations.forget(g.id(), storeKey);
                }
            }
            metrics.applied();
            log(record);
            forward(record, new DocumentOps(key.tenant(), key.docId(), version, DocumentOps.Kind.DELETE_DOCUMENT,
                    null, null, null, 0, source.partition(), source.offset()));
            return;
        }

        // a versionless UPSERT is applied at the current version and keeps the guard where it is
        long version = event.version() != null ? event.version() : (state == null ? 0 : state.version());
        boolean versionDeleted = event.version() == null && state != null && state.versionDeleted();
        List<Chunk> chunks;
        try {
            chunks = documents.chunk(event.content(), event.parsedContentType());
        } catch (InvalidEventException e) {
            // the content's own fault (too many chunks, unreadable): the same on every retry, so it must not
            // stop the partition; a tokenizer failure is not caught here and stops the task instead
            deadLetter(record, source, e.violations());
            return;
        }
        // a repair diffs against nothing, so every chunk is written again (the index lost them; the state did not)
        List<DocumentState.ChunkRef> previous = repair || state == null || state.deleted() ? List.of() : state.chunks();
        ChunkDiff.Result diff = ChunkDiff.diff(key.tenant(), key.docId(), previous, chunks);
        if (reindex && (state == null || state.deleted() || version != state.version()
                || !hashes(state.chunks()).equals(hashes(diff.chunks())))) {
            skipRedrive(record, source, key, state, state == null || state.deleted() ? "the document is deleted now"
                    : "the document changed since");
            return;
        }
        DocumentOps ops = new DocumentOps(key.tenant(), key.docId(), version, DocumentOps.Kind.APPLY,
                event.title(), event.metadata(), diff.ops(), chunks.size(), source.partition(), source.offset());
        // measured before anything is stored: a record over the producer's limit would kill the stream thread
        Optional<Violation> tooLarge = ChunkOpsRecord.checkSize(EventJson.write(ops).length);
        if (tooLarge.isPresent()) {
            deadLetter(record, source, List.of(tooLarge.get()));
            return;
        }
        // the same version chunked again for every generation with a chunking of its own; a reindex's re-drive only for
        // the generation it fills (if that one is chunked apart)
        String redriveFor = reindex ? dev.freshrag.events.GenerationHeader.of(
                record.headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME).value()).orElse(null) : null;
        List<GenerationChunkings.Rechunked> apart = generations == null ? List.of()
                : reindex ? generations.open(redriveFor).map(List::of).orElse(List.of()) : generations.open();
        List<Rechunking> rechunked = new java.util.ArrayList<>(apart.size());
        for (GenerationChunkings.Rechunked g : apart) {
            Rechunking r = rechunk(g, storeKey, event, version, repair, source);
            if (r.ops() != null) {
                Optional<Violation> gTooLarge = ChunkOpsRecord.checkSize(EventJson.write(r.ops()).length);
                if (gTooLarge.isPresent()) {
                    deadLetter(record, source, List.of(gTooLarge.get()));
                    return;
                }
            }
            rechunked.add(r);
        }
        store.put(storeKey, DocumentState.live(version, versionDeleted, now, diff.chunks()));
        metrics.applied();
        log(record);
        metrics.chunks(diff.embed(), diff.reused());
        // first the generations' own operations, then the shared ones: a generation's position passes this offset only
        // with the last record of it, so a read-your-writes check never sees the offset before its chunks
        for (Rechunking r : rechunked) {
            if (r.ops() == null) {
                generations.forget(r.generation(), storeKey);
                forward(record, new DocumentOps(key.tenant(), key.docId(), version, DocumentOps.Kind.DELETE_DOCUMENT,
                        null, null, null, 0, source.partition(), source.offset()), r.generation());
            } else {
                generations.put(r.generation(), storeKey, DocumentState.live(version, versionDeleted, now, r.chunks()));
                forward(record, r.ops(), r.generation());
            }
        }
        if (!(reindex && !apart.isEmpty())) {
            // a re-drive for a generation chunked apart has its operations above; these, chunked the ingest's way, are
            // not that generation's
            forward(record, ops);
        }
    }

    /**
     * One generation's operations for a change: chunked with its chunking, diffed against its own state (a repair or a
     * reindex's re-drive against nothing). Null operations: the content makes more chunks than a document may have at
     * that size, so the generation cannot hold it; the document is deleted there (and logged), not dead-lettered, since
     * the active generation took it.
     */
    private Rechunking rechunk(GenerationChunkings.Rechunked g, String storeKey, DocumentChange event, long version,
                               boolean repair, Source source) {
        List<Chunk> chunks;
        try {
            chunks = generations.chunk(g, event.content(), event.parsedContentType());
        } catch (InvalidEventException e) {
            LOG.warnf("%s cannot be chunked at %d tokens for %s (%s): deleted there", storeKey, g.maxTokens(), g.id(),
                    e.getMessage());
            return new Rechunking(g.id(), null, List.of());
        }
        DocumentState state = repair ? null : generations.state(g.id(), storeKey);
        List<DocumentState.ChunkRef> previous = state == null || state.deleted() ? List.of() : state.chunks();
        DocumentKey key = event.key();
        ChunkDiff.Result diff = ChunkDiff.diff(key.tenant(), key.docId(), previous, chunks);
        metrics.chunks(diff.embed(), diff.reused());
        return new Rechunking(g.id(), new DocumentOps(key.tenant(), key.docId(), version, DocumentOps.Kind.APPLY,
                event.title(), event.metadata(), diff.ops(), chunks.size(), source.partition(), source.offset()), diff.chunks());
    }

    /** A generation's operations for a change, and the chunks to store as its state (null ops: it cannot hold it). */
    private record Rechunking(String generation, DocumentOps ops, List<DocumentState.ChunkRef> chunks) {
    }

    /** A reindex's re-drive that no longer reproduces the stored state: nothing stored, logged or written. */
    private void skipRedrive(Record<byte[], byte[]> record, Source source, DocumentKey key, DocumentState state, String why) {
        metrics.stale(StaleReason.SAME_VERSION.tag);
        LOG.debugf("dropped the reindex re-drive of %s: %s", key, why);
        forward(record, new DocumentOps(key.tenant(), key.docId(), state == null ? 0 : state.version(), DocumentOps.Kind.SKIP,
                null, null, null, 0, source.partition(), source.offset()));
    }

    private static List<String> hashes(List<DocumentState.ChunkRef> refs) {
        return refs.stream().map(DocumentState.ChunkRef::hash).toList();
    }

    /**
     * Records a DELETE that passed the guard; answers the version its operations carry. A versioned DELETE
     * leaves a tombstone at its version. A versionless one deletes what is there now and leaves the guard
     * where it is, so the source's next version still applies; of a document never seen it records nothing,
     * so a later first version (v1) applies too.
     */
    private long delete(String storeKey, DocumentChange event, DocumentState state, long now) {
        if (event.version() != null) {
            store.put(storeKey, DocumentState.tombstone(event.version(), true, now));
            return event.version();
        }
        if (state == null) {
            return 0;
        }
        if (!state.deleted()) {
            store.put(storeKey, DocumentState.tombstone(state.version(), state.versionDeleted(), now));
        }
        return state.version();
    }

    /** Why the version guard drops an event; the tag of {@code freshrag_events_stale_total}. */
    enum StaleReason {
        /** Below the stored version: late, out of order, or replayed. */
        OLDER(IngestMetrics.STALE_OLDER),
        /** At the stored version, which already holds it: a redelivery, or a DELETE of what is already deleted. */
        SAME_VERSION(IngestMetrics.STALE_SAME_VERSION);

        final String tag;

        StaleReason(String tag) {
            this.tag = tag;
        }
    }

    /**
     * The version guard. Versionless events are never stale (they mean "now", in log order). A versioned
     * UPSERT needs a version above the stored one. A versioned DELETE also applies at the stored version,
     * once: it supersedes the UPSERT of that version, but a second DELETE at it is a duplicate, even when a
     * versionless UPSERT re-created the document in between.
     */
    static Optional<StaleReason> staleness(DocumentChange event, DocumentState state) {
        if (state == null || event.version() == null) {
            return Optional.empty();
        }
        long v = event.version();
        if (v < state.version()) {
            return Optional.of(StaleReason.OLDER);
        }
        if (v > state.version()) {
            return Optional.empty();
        }
        return event.op() == Op.UPSERT || state.versionDeleted() ? Optional.of(StaleReason.SAME_VERSION) : Optional.empty();
    }

    private DocumentChange parse(Record<byte[], byte[]> record) {
        // the Kafka binding of CloudEvents shares the topic: same key, same order per document, same compaction
        DocumentChange event = KafkaCloudEvents.isCloudEvent(record.headers())
                ? cloudEvents.read(record.key(), record.headers(), record.value())
                : EventJson.readDocumentChange(record.value());
        List<Violation> violations = validator.validate(event);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        Optional<DocumentKey> key = DocumentKey.parse(record.key());
        if (key.isEmpty() || !key.get().equals(event.key())) {
            // the key decides the partition, and per-document order holds only within one partition
            throw new InvalidEventException("$key", "the record key must be '" + event.key()
                    + "' (tenant/docId of the event), was " + (record.key() == null ? "null" : "'" + new String(record.key(), StandardCharsets.UTF_8) + "'"));
        }
        return event;
    }

    /**
     * To the bulk lane if the event was deferred (marked bulk, or deferred behind them: the bulk lane then holds every
     * deferred event in kb.doc-changes order), else to the live lane: every outcome (SKIP included) goes there, so that
     * each lane holds its own events' source offsets in order and read-your-writes tokens are answered (a deferred
     * unmarked event left a {@link DocumentOps.Kind#DEFERRED} marker in the live lane).
     */
    private void forward(Record<byte[], byte[]> input, DocumentOps ops) {
        forward(input, ops, null);
    }

    /** @param generation the generation the operations are for (chunked its way), else null: as the input says */
    private void forward(Record<byte[], byte[]> input, DocumentOps ops, String generation) {
        String sink = deferredNow ? TopologyProducer.CHUNK_OPS_BULK_SINK : TopologyProducer.CHUNK_OPS_SINK;
        RecordHeaders headers = new RecordHeaders();
        tracing.inject(headers);
        if (generation != null) {
            headers.add(dev.freshrag.events.GenerationHeader.NAME, dev.freshrag.events.GenerationHeader.value(generation));
        } else {
            // a reindex's re-drive names the generation it fills: the embed-service applies its operations there only
            org.apache.kafka.common.header.Header tag = input.headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME);
            if (tag != null) {
                headers.add(tag);
            }
        }
        outcome(ops.kind().name().toLowerCase(java.util.Locale.ROOT));
        context.forward(new Record<byte[], Object>(input.key(), ops, input.timestamp(), headers), sink);
    }

    /**
     * To the rebuild log (kb.doc-log): the accepted record as it came, without the lane, repair and generation marks (they say how
     * it travelled once, not what it is). Same key, so compaction keeps each document's newest accepted change.
     */
    private void log(Record<byte[], byte[]> input) {
        Headers headers = new RecordHeaders();
        for (org.apache.kafka.common.header.Header h : input.headers()) {
            if (!h.key().equals(Priority.HEADER) && !h.key().equals(RepairHeader.NAME)
                    && !h.key().equals(dev.freshrag.events.GenerationHeader.NAME)) {
                headers.add(h);
            }
        }
        context.forward(new Record<byte[], Object>(input.key(), input.value(), input.timestamp(), headers), TopologyProducer.DOC_LOG_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, Source source, List<Violation> violations) {
        metrics.deadLettered();
        String reason = violations.stream().map(Violation::toString).reduce((a, b) -> a + "; " + b).orElse("invalid");
        LOG.warnf("dead-lettering %s-%d@%d: %s", source.topic(), source.partition(), source.offset(), reason);
        byte[] value = record.value();
        long size = (value == null ? 0 : value.length) + (record.key() == null ? 0 : record.key().length);
        if (size > Limits.MAX_RECORD_BYTES) {
            // the broker took it compressed, but the producer limit counts it uncompressed: copied to kb.dlq it
            // would stop the stream thread. The headers say where it stays on the source topic.
            value = null;
            reason = reason + " (the record itself, " + size + " bytes, is too large for the dead-letter topic"
                    + " and stays at its source offset)";
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        DlqHeaders.of(reason, violations.isEmpty() ? "$" : violations.get(0).field(), DlqHeaders.Stage.INGEST, source.topic(),
                source.partition(), source.offset(), Instant.ofEpochMilli(clock.millis())).forEach(headers::add);
        context.forward(new Record<byte[], Object>(record.key(), value, record.timestamp(), headers), TopologyProducer.DLQ_SINK);
        if (deferredNow) {
            // the bulk lane must pass this offset as well: a live token waits for the bulk lane past the deferred
            // offsets the live lane passed (D), and nothing else of this record would ever reach the bulk lane
            DocumentKey.parse(record.key()).ifPresent(k -> forward(record, new DocumentOps(k.tenant(), k.docId(), 0,
                    DocumentOps.Kind.SKIP, null, null, null, 0, source.partition(), source.offset())));
        }
    }

    private void outcome(String outcome) {
        if (span != null) {
            span.outcome(outcome);
        }
    }
}
