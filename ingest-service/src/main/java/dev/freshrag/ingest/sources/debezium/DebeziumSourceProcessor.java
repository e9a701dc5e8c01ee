package dev.freshrag.ingest.sources.debezium;

import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Priority;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * One mapped Debezium topic -> kb.doc-changes (or kb.dlq). Runs in the ingest-service's exactly-once Kafka Streams
 * application, so the row state, the published changes and the source offset commit together: a restart neither
 * loses a change nor publishes it twice.
 */
final class DebeziumSourceProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = Logger.getLogger(DebeziumSourceProcessor.class);

    private final DebeziumMapping mapping;
    private final DebeziumTranslator translator;
    private final Clock clock;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, RowState> rows;

    DebeziumSourceProcessor(DebeziumMapping mapping, DebeziumTranslator translator, Clock clock) {
        this.mapping = mapping;
        this.translator = translator;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.rows = context.getStateStore(DebeziumTopology.storeName(mapping));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        try {
            String rowKey = DebeziumTranslator.rowKey(record.key());
            RowState previous = rowKey == null ? null : rows.get(rowKey);
            Translation result = translator.translate(record.key(), record.value(), previous);
            if (result instanceof Translation.Publish publish) {
                for (DocumentChange change : publish.changes()) {
                    Headers headers = new RecordHeaders();
                    if (publish.bulk()) {
                        headers.add(Priority.HEADER, Priority.bulkHeaderValue());
                    }
                    context.forward(new Record<>(change.key().toBytes(), EventJson.write(change), record.timestamp(), headers),
                            DebeziumTopology.docChangesSinkName(mapping));
                }
                if (rowKey != null) {
                    if (publish.next() == null) {
                        rows.delete(rowKey);
                    } else {
                        rows.put(rowKey, publish.next());
                    }
                }
            } else if (result instanceof Translation.Nothing nothing) {
                LOG.debugf("%s-%d@%d: nothing to do: %s", source.topic(), source.partition(), source.offset(), nothing.why());
            }
        } catch (UnreadableChangeException e) {
            deadLetter(record, source, e);
        }
    }

    /** The existing dead-letter path: the Debezium record unchanged, with the reason in the freshrag.dlq.* headers. */
    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, UnreadableChangeException e) {
        String reason = "debezium source '" + mapping.name() + "': " + e.field() + ": " + e.getMessage();
        LOG.warnf("dead-lettering %s-%d@%d: %s", source.topic(), source.partition(), source.offset(), reason);
        Headers headers = new RecordHeaders(record.headers().toArray());
        DlqHeaders.of(reason, e.field(), DlqHeaders.Stage.SOURCE, source.topic(), source.partition(), source.offset(),
                Instant.ofEpochMilli(clock.millis())).forEach(headers::add);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), DebeziumTopology.dlqSinkName(mapping));
    }
}
