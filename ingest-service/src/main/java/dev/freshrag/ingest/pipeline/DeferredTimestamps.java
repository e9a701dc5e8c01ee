package dev.freshrag.ingest.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * How the task orders its two inputs so that live work goes first. A Kafka Streams task takes its next record from the
 * input partition whose head record has the lowest timestamp; so kb.doc-changes records (live) are read {@link #SHIFT_MS}
 * earlier than they are ({@link Live}) and kb.doc-changes.bulk records (deferred) at their own time ({@link Deferred}):
 * every buffered live record goes before every deferred one, and deferred work runs at full speed when no live record
 * waits. The shift is backwards because Kafka Streams writes the state stores' changelog records with the time it
 * ordered the record by, and the broker refuses timestamps more than an hour ahead of its clock (it accepts any past).
 * The processors forward their outputs with the original time ({@link #original}); nothing of this topology reads
 * stream time (the tombstone sweeper runs on wall-clock time).
 */
final class DeferredTimestamps {

    /** 20 years: above any age of deferred work, and kb.doc-changes times since 1990 stay positive. */
    static final long SHIFT_MS = 20L * 365 * 24 * 3600 * 1000;

    private DeferredTimestamps() {
    }

    /** The record's own timestamp, from the time a kb.doc-changes record was ordered by. */
    static long original(long live) {
        return live + SHIFT_MS;
    }

    /** kb.doc-changes: {@link #SHIFT_MS} earlier (never negative: Streams would drop the record). */
    static final class Live implements TimestampExtractor {
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
            return Math.max(0, record.timestamp() - SHIFT_MS);
        }
    }

    /** kb.doc-changes.bulk: the copy's own time, which is the original's (never negative). */
    static final class Deferred implements TimestampExtractor {
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
            return Math.max(0, record.timestamp());
        }
    }
}
