package dev.freshrag.ingest.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Puts operator-chosen records back into the pipeline (a dead-letter replay, a verify repair) and returns only once
 * the broker acknowledged every one: the operator's answer says they are on their way, so none may still be in a
 * buffer. A short-lived idempotent producer per call: operator actions are rare, and a record up to the topics' 16 MiB.
 */
final class RecordResender {

    private RecordResender() {
    }

    /** Sends {@code records} and waits for all; answers how many. {@code what} names the action in errors. */
    static int sendAll(String bootstrap, List<ProducerRecord<byte[], byte[]>> records, String what) {
        if (records.isEmpty()) {
            return 0;
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            records.forEach(r -> sent.add(producer.send(r)));
            for (Future<?> f : sent) {
                f.get();
            }
            return sent.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
