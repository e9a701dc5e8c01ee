package dev.freshrag.ingest.sources.debezium;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.Limits;
import dev.freshrag.events.EventJson;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Adds one sub-topology per mapped Debezium topic: source -> {@link DebeziumSourceProcessor} (with its row-state
 * store) -> kb.doc-changes, or kb.dlq.
 *
 * <p>Why republish to kb.doc-changes rather than feed the document processor directly: a Debezium topic is keyed
 * and partitioned by the row's primary key, kb.doc-changes by {@code tenant/docId}, and the document state,
 * read-your-writes tokens and the embed-service's per-document marks all count partitions and offsets of
 * kb.doc-changes. Republishing keeps one partitioning and one offset space for every source, keeps kb.doc-changes
 * the complete rebuild log, and marks snapshot reads with the {@code freshrag-priority: bulk} header exactly as
 * {@code documents:bulk} does. It stays exactly-once: the sub-topology runs in the same exactly-once_v2 application,
 * so each Debezium offset, row state and republished event commit in one transaction.
 */
public final class DebeziumTopology {

    /** Row states as JSON, like the document states (own serde: this package does not reach into the pipeline's). */
    private static final Serde<RowState> ROW_STATE = Serdes.serdeFrom(
            (topic, state) -> state == null ? null : EventJson.write(state),
            (topic, bytes) -> bytes == null ? null : EventJson.read(bytes, RowState.class));

    private DebeziumTopology() {
    }

    public static void addTo(Topology topology, List<DebeziumMapping> mappings, String docChangesTopic, String dlqTopic,
                             Limits limits, Clock clock) {
        DocumentChangeValidator validator = new DocumentChangeValidator(limits);
        for (DebeziumMapping m : mappings) {
            topology.addSource(m.nodeName("source"), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), m.topic());
            topology.addProcessor(m.nodeName("translator"),
                    () -> new DebeziumSourceProcessor(m, new DebeziumTranslator(m, validator), clock), m.nodeName("source"));
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName(m)),
                    Serdes.String(), ROW_STATE), m.nodeName("translator"));
            // default partitioner on the tenant/docId key bytes: the partition the gateway's producer picks too
            topology.addSink(docChangesSinkName(m), docChangesTopic, Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer(), m.nodeName("translator"));
            topology.addSink(dlqSinkName(m), dlqTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(),
                    m.nodeName("translator"));
        }
    }

    static String storeName(DebeziumMapping m) {
        return m.nodeName("rows");
    }

    static String docChangesSinkName(DebeziumMapping m) {
        return m.nodeName("doc-changes-sink");
    }

    static String dlqSinkName(DebeziumMapping m) {
        return m.nodeName("dlq-sink");
    }
}
