package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kb.chunk-ops consumer on the in-JVM broker, with the real model and the embedded Lucene index: a record ends
 * in the index; a poison record goes to kb.dlq with the reason and the records after it are still applied. The index
 * is read through a second, read-only reader, as the query-service reads it, so that {@code ChunkOpsConsumerIT} can
 * run the same tests against the packaged application.
 */
@QuarkusTest
class ChunkOpsConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final IndexFingerprint MODEL = new IndexFingerprint("all-minilm-l6-v2", 384);

    private final String tenant = "emb-" + UUID.randomUUID().toString().substring(0, 8);
    private LuceneReaderIndex reader;

    @AfterEach
    void closeReader() {
        if (reader != null) {
            reader.close();
        }
    }

    private static DocumentOps apply(String tenant, String docId, long version, String... texts) {
        List<ChunkOp> ops = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            ops.add(ChunkOp.embed(UUID.randomUUID().toString(), i, "hash-" + docId + "-" + i, texts[i]));
        }
        return new DocumentOps(tenant, docId, version, DocumentOps.Kind.APPLY, "Title of " + docId,
                Map.of("team", "hr"), ops, texts.length, 0, 0);
    }

    private static RecordMetadata send(String key, byte[] value) {
        return KafkaBroker.shared().produce(Topics.CHUNK_OPS, key.getBytes(StandardCharsets.UTF_8), value, Map.of());
    }

    private static RecordMetadata send(DocumentOps ops) {
        return send(ops.tenant() + "/" + ops.docId(), EventJson.write(ops));
    }

    /** Waits until the index holds the document at that version, as the embed-service committed it. */
    private DocumentStatus awaitIndexed(String docId, long version) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Optional<DocumentStatus> status = Optional.empty();
        while (System.nanoTime() < deadline) {
            if (reader == null) {
                // the application created the index at start; open our reader once it is there
                reader = LuceneReaderIndex.open(ConsumerTestResources.INDEX_DIR, MODEL, LuceneOptions.defaults());
            }
            reader.refreshNow();
            status = reader.document(tenant, docId);
            if (status.isPresent() && status.get().version() == version) {
                return status.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(tenant + "/" + docId + " v" + version + " not in the index within " + WAIT + "; found " + status);
    }

    @Test
    void aChunkOpsRecordEndsInTheIndex() throws Exception {
        send(apply(tenant, "handbook/leave.md", 2,
                "Employees get 25 days of paid leave per year.",
                "Unused days expire at the end of March."));

        DocumentStatus status = awaitIndexed("handbook/leave.md", 2);
        assertThat(status.chunks()).isEqualTo(2);
        assertThat(status.indexedAt()).isPositive();
    }

    @Test
    void aPoisonRecordGoesToTheDlqWithItsReasonAndThePipelineGoesOn() throws Exception {
        RecordMetadata poison = send(tenant + "/broken.md", "{not json".getBytes(StandardCharsets.UTF_8));
        RecordMetadata wrongKey = send(tenant + "/other.md", EventJson.write(apply(tenant, "mismatch.md", 1, "text")));
        send(apply(tenant, "after.md", 1, "A record after the poison ones is still applied."));

        awaitIndexed("after.md", 1);
        ConsumerRecord<String, String> dead = KafkaBroker.shared().awaitRecord(Topics.DLQ,
                r -> (tenant + "/broken.md").equals(r.key()), WAIT);
        assertThat(dead.value()).isEqualTo("{not json");
        Map<String, String> headers = KafkaBroker.headers(dead);
        assertThat(headers.get(DlqHeaders.REASON)).isNotBlank();
        assertThat(headers.get(DlqHeaders.STAGE)).isEqualTo("embed");
        assertThat(headers.get(DlqHeaders.SOURCE_TOPIC)).isEqualTo(Topics.CHUNK_OPS);
        assertThat(headers.get(DlqHeaders.SOURCE_PARTITION)).isEqualTo(Integer.toString(poison.partition()));
        assertThat(headers.get(DlqHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(poison.offset()));

        ConsumerRecord<String, String> mismatched = KafkaBroker.shared().awaitRecord(Topics.DLQ,
                r -> (tenant + "/other.md").equals(r.key()), WAIT);
        assertThat(KafkaBroker.header(mismatched, DlqHeaders.FIELD)).isEqualTo("$key");
        assertThat(KafkaBroker.header(mismatched, DlqHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(wrongKey.offset()));
        assertThat(reader.document(tenant, "mismatch.md")).isEmpty();
        assertThat(reader.document(tenant, "broken.md")).isEmpty();
    }
}
