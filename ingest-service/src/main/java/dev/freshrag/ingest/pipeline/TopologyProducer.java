package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.ingest.chunking.Chunker;
import dev.freshrag.ingest.config.IngestConfig;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.ingest.sources.debezium.DebeziumMapping;
import dev.freshrag.ingest.sources.debezium.DebeziumSourcesConfig;
import dev.freshrag.ingest.sources.debezium.DebeziumTopology;
import dev.freshrag.ingest.tracing.StreamsTracing;
import io.opentelemetry.api.OpenTelemetry;
import dev.freshrag.tokenizer.TokenCounter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * kb.doc-changes -> router -> (now, or deferred through kb.doc-changes.bulk when no live record waits) validate,
 * version guard, chunk, diff -> kb.chunk-ops, or kb.chunk-ops.bulk for events marked bulk (or kb.dlq); every accepted
 * change also -> kb.doc-log (the rebuild log); plus, per declared Debezium
 * source, its topic -> kb.doc-changes ({@link DebeziumTopology}).
 * Names are constants so tests reuse them.
 */
@ApplicationScoped
public class TopologyProducer {

    public static final String SOURCE = "doc-changes-source";
    public static final String DEFERRED_SOURCE = "doc-changes-bulk-source";
    public static final String ROUTER = "lane-router";
    public static final String DEFERRED_SINK = "doc-changes-bulk-sink";
    public static final String PROCESSOR = "document-change-processor";
    public static final String CHUNK_OPS_SINK = "chunk-ops-sink";
    public static final String CHUNK_OPS_BULK_SINK = "chunk-ops-bulk-sink";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String DOC_LOG_SINK = "doc-log-sink";
    public static final String DOCUMENT_STATE_STORE = "document-state";
    /** The global store of kb.generations (every instance holds every generation). */
    public static final String GENERATIONS_STORE = "generations";
    public static final String GENERATIONS_SOURCE = "generations-source";
    public static final String GENERATIONS_FOLLOWER = "generations-follower";
    /** The diff state of the generations with a chunking of their own, keyed {@code g<N>|tenant/docId}. */
    public static final String GENERATION_STATE_STORE = "generation-document-state";
    /** Where a task says it follows such a generation (kb.generations). */
    public static final String GENERATIONS_SINK = "generations-sink";

    @Produces
    public Topology topology(IngestConfig config, DebeziumSourcesConfig sources, TokenCounter tokens, IngestMetrics metrics,
                             OpenTelemetry otel, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                             @ConfigProperty(name = "quarkus.kafka-streams.application-id") String applicationId) {
        TopologySettings settings = TopologySettings.from(config);
        // before the streams start: a state split across the wrong partitions must never be used
        PartitionAgreement.check(bootstrap, applicationId, settings.docChangesTopic(), settings.docChangesBulkTopic());
        warmUp(settings, tokens);
        Topology topology = build(settings, tokens, metrics, Clock.systemUTC(), new StreamsTracing(otel));
        DebeziumTopology.addTo(topology, DebeziumMapping.from(sources), settings.docChangesTopic(), settings.dlqTopic(),
                settings.limits(), Clock.systemUTC());
        return topology;
    }

    /**
     * Runs the per-event work once on a sample at start (class loading, JIT of the parser, extractor,
     * chunker and diff), so the first real change is not the one that pays for it. Best effort.
     */
    static void warmUp(TopologySettings settings, TokenCounter tokens) {
        try {
            DocumentChange sample = new DocumentChange("warmup", "warmup", 1L, dev.freshrag.events.Op.UPSERT, "Warm-up",
                    "text/markdown", "# Warm-up\n\nA first paragraph. A second sentence.\n\nAnother paragraph.", java.util.Map.of("k", "v"), null);
            DocumentChange parsed = EventJson.readDocumentChange(EventJson.write(sample));
            new DocumentChangeValidator(settings.limits()).validate(parsed);
            for (dev.freshrag.events.ContentType type : dev.freshrag.events.ContentType.values()) {
                var chunks = new Chunker(tokens, settings.maxTokens(), settings.minTokens())
                        .chunk(new dev.freshrag.ingest.chunking.TextExtractor().extract(parsed.content(), type));
                EventJson.write(ChunkDiff.diff("warmup", "warmup", java.util.List.of(), chunks).ops());
            }
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(TopologyProducer.class).warnf("warm-up failed (harmless): %s", e.toString());
        }
    }

    public static Topology build(TopologySettings config, TokenCounter tokens, IngestMetrics metrics, Clock clock) {
        return build(config, tokens, metrics, clock, StreamsTracing.disabled());
    }

    public static Topology build(TopologySettings config, TokenCounter tokens, IngestMetrics metrics, Clock clock,
                                 StreamsTracing tracing) {
        return build(config, tokens, metrics, clock, tracing, config.docChangesBulkTopic());
    }

    /**
     * @param deferredSourceTopic the topic the deferred records are read back from: kb.doc-changes.bulk, which the
     *                            router writes; a TopologyTestDriver test names another topic, which it feeds by hand,
     *                            to hold deferred records back while live ones arrive (the driver would otherwise
     *                            process each copy as soon as it is written)
     */
    static Topology build(TopologySettings config, TokenCounter tokens, IngestMetrics metrics, Clock clock,
                          StreamsTracing tracing, String deferredSourceTopic) {
        Chunker chunker = new Chunker(tokens, config.maxTokens(), config.minTokens());
        DocumentChangeValidator validator = new DocumentChangeValidator(config.limits());
        StoreBuilder<KeyValueStore<String, DocumentState>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DOCUMENT_STATE_STORE), Serdes.String(), JsonSerde.of(DocumentState.class));

        StoreBuilder<KeyValueStore<String, Long>> pending = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LaneRouter.PENDING_STORE), Serdes.String(), Serdes.Long());

        Topology topology = new Topology();
        topology.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), SOURCE, new DeferredTimestamps.Live(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                config.docChangesTopic());
        // the router defers records (raw) to kb.doc-changes.bulk; the second source reads them back into the same
        // task (same partition numbers, same sub-topology), ordered after every live record (DeferredTimestamps)
        topology.addProcessor(ROUTER, () -> new LaneRouter(metrics, config.live(), clock), SOURCE);
        topology.addSink(DEFERRED_SINK, config.docChangesBulkTopic(), Serdes.ByteArray().serializer(),
                new LaneRouter.DeferredCopySerializer(), new LaneRouter.SamePartition(), ROUTER);
        topology.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), DEFERRED_SOURCE, new DeferredTimestamps.Deferred(),
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), deferredSourceTopic);
        topology.addProcessor(PROCESSOR, () -> new DocumentChangeProcessor(chunker, validator, metrics,
                config.tombstoneRetention(), clock, tracing, config.docChangesTopic(),
                new GenerationChunkings(tokens, config.maxTokens(), config.minTokens())), ROUTER, DEFERRED_SOURCE);
        topology.addStateStore(store, PROCESSOR);
        // re-chunking reindex: the plan of generations (global: rebuilt from the compacted topic at start, in memory),
        // each chunked-apart generation's own diff state, and the word that a task follows one
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(GENERATIONS_STORE), Serdes.String(),
                        JsonSerde.of(dev.freshrag.events.GenerationControl.class)).withLoggingDisabled(), GENERATIONS_SOURCE,
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), config.generationsTopic(), GENERATIONS_FOLLOWER,
                GenerationsFollower::new);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GENERATION_STATE_STORE),
                Serdes.String(), JsonSerde.of(DocumentState.class)), PROCESSOR);
        topology.addSink(GENERATIONS_SINK, config.generationsTopic(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), PROCESSOR);
        topology.addStateStore(pending, ROUTER, PROCESSOR);
        topology.addSink(CHUNK_OPS_SINK, config.chunkOpsTopic(), Serdes.ByteArray().serializer(),
                JsonSerde.of(DocumentOps.class).serializer(), new SamePartition(), PROCESSOR, ROUTER);
        // events marked bulk go to the second lane, partitioned the same way
        topology.addSink(CHUNK_OPS_BULK_SINK, config.chunkOpsBulkTopic(), Serdes.ByteArray().serializer(),
                JsonSerde.of(DocumentOps.class).serializer(), new SamePartition(), PROCESSOR);
        // the rebuild log: accepted changes as they came, keyed (and so partitioned) by document like kb.doc-changes
        topology.addSink(DOC_LOG_SINK, config.docLogTopic(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        topology.addSink(DLQ_SINK, config.dlqTopic(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }

    /**
     * Writes a document's operations to the partition number its event came from. Read-your-writes
     * tokens name a kb.doc-changes partition and offset; keeping the partition lets the embed-service
     * record "applied up to offset n of partition p" exactly. Needs kb.chunk-ops to have at least as
     * many partitions as kb.doc-changes (falls back to the modulo otherwise).
     */
    static final class SamePartition implements StreamPartitioner<byte[], DocumentOps> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, DocumentOps value, int numPartitions) {
            return Optional.of(Set.of(value.sourcePartition() % numPartitions));
        }
    }
}
