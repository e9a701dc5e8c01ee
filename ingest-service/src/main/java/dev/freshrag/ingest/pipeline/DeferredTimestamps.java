package dev.freshrag.ingest.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The timestamp extractor of the kb.doc-changes.bulk source: a deferred record's time plus {@link #SHIFT_MS}. A
 * Kafka Streams task takes its next record from the input partition whose head record has the lowest timestamp, so
 * every buffered kb.doc-changes record (live) goes before every deferred one, and deferred work runs at full speed when
 * no live record waits. The shift exists only inside the task: the processor forwards its outputs with the record's
 * original timestamp ({@link DeferredOrigin}), and nothing of this topology reads stream time (the tombstone sweeper
 * runs on wall-clock time).
 */
public final class DeferredTimestamps implements TimestampExtractor {

    /** About 100 years: above any gap between a live and a deferred record's producer timestamps. */
    static final long SHIFT_MS = 100L * 365 * 24 * 3600 * 1000;

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        // a negative (unset) timestamp would make Streams drop the record; a deferred record is never dropped
        return Math.max(0, record.timestamp()) + SHIFT_MS;
    }
}
