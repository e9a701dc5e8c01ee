package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.events.GenerationHeader;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * Keeps the global store {@value TopologyProducer#GENERATIONS_STORE} equal to kb.generations: one
 * {@link GenerationControl} per generation id, in every ingest instance (a global store: every instance sees every
 * generation, whichever partitions it owns). The ingest's own {@link GenerationFollowed} words on the same topic are
 * not generations and are left out; a record that cannot be read is logged and left out (the embed-service writes
 * them, so it is a version mismatch, not input to dead-letter).
 */
final class GenerationsFollower implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = Logger.getLogger(GenerationsFollower.class);

    private KeyValueStore<String, GenerationControl> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(TopologyProducer.GENERATIONS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null || GenerationFollowed.isKey(key) || GenerationHeader.of(key.getBytes(StandardCharsets.UTF_8)).isEmpty()) {
            return;
        }
        if (record.value() == null) {
            store.delete(key);
            return;
        }
        try {
            GenerationControl control = EventJson.read(record.value(), GenerationControl.class);
            store.put(key, control);
            LOG.debugf("generation %s: %s, chunks of at most %s tokens", key, control.state(), control.chunkMaxTokens());
        } catch (RuntimeException e) {
            LOG.warnf("kb.generations record %s could not be read, left out: %s", key, e.toString());
        }
    }
}
