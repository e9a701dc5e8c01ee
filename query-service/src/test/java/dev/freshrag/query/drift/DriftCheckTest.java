package dev.freshrag.query.drift;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.query.answer.TestIndex;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The periodic drift check on the test broker's kb.doc-log and a real Lucene index: documents missing from the index,
 * indexed at an older version or still indexed after a delete make the tenant's {@code freshrag_index_drift}
 * non-zero; a tenant whose documents all match exports 0; a change younger than the grace period is not judged.
 */
@QuarkusTest
class DriftCheckTest {

    @Inject
    Embedder embedder;

    @Inject
    VectorIndexReader reader;

    @Inject
    DriftSchedule schedule;

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    private final String broken = "drift-" + UUID.randomUUID().toString().substring(0, 8);
    private final String healthy = "fine-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void differingDocumentsMakeTheGaugeNonZeroAndMatchingOnesZero() {
        index(broken, "current.md", 2);
        index(broken, "stale.md", 1);
        index(broken, "deleted-but-there.md", 1);
        index(healthy, "a.md", 1);
        index(healthy, "b.md", 4);

        long fiveMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        try (KafkaProducer<byte[], byte[]> producer = KafkaBroker.shared().newByteProducer()) {
            log(producer, broken, "current.md", 1L, Op.UPSERT, fiveMinutesAgo - 1000);
            log(producer, broken, "current.md", 2L, Op.UPSERT, fiveMinutesAgo); // the newest of the document counts
            log(producer, broken, "stale.md", 2L, Op.UPSERT, fiveMinutesAgo);
            log(producer, broken, "missing.md", 1L, Op.UPSERT, fiveMinutesAgo);
            log(producer, broken, "deleted-but-there.md", 1L, Op.DELETE, fiveMinutesAgo);
            log(producer, broken, "gone.md", 3L, Op.DELETE, fiveMinutesAgo);
            log(producer, broken, "young.md", 1L, Op.UPSERT, System.currentTimeMillis()); // within the grace period
            log(producer, healthy, "a.md", 1L, Op.UPSERT, fiveMinutesAgo);
            log(producer, healthy, "b.md", 4L, Op.UPSERT, fiveMinutesAgo);
            log(producer, healthy, "old.md", 1L, Op.UPSERT, System.currentTimeMillis() - Duration.ofHours(2).toMillis());
            producer.flush();
        }

        DriftMonitor.Result result = schedule.monitor().check();

        assertThat(result.driftByTenant()).containsEntry(broken, 3).containsEntry(healthy, 0);
        assertThat(result.findings()).filteredOn(f -> f.tenant().equals(broken))
                .extracting(f -> f.docId() + " " + f.kind().label())
                .containsExactlyInAnyOrder("stale.md stale-version", "missing.md missing", "deleted-but-there.md not-deleted");
        assertThat(schedule.monitor().drift(broken)).isEqualTo(3);
        assertThat(schedule.monitor().drift(healthy)).isZero();
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("freshrag_index_drift{tenant=\"" + broken + "\"} 3.0")
                .contains("freshrag_index_drift{tenant=\"" + healthy + "\"} 0.0")
                .contains("freshrag_drift_checked_documents_total");
        System.out.printf("drift check: %d documents compared (%d too young); %s drift %d, %s drift %d%n",
                result.checked(), result.skippedAsYoung(), broken, result.driftByTenant().get(broken), healthy,
                result.driftByTenant().get(healthy));
    }

    private void index(String tenant, String docId, long version) {
        TestIndex.put(Path.of(indexPath), embedder, tenant, docId, version, docId, List.of("Text of " + docId + " at v" + version));
        // the reader refreshes on its own schedule: the check must see every write made before it
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.document(tenant, docId)
                .filter(s -> s.version() == version).isPresent());
    }

    private static void log(KafkaProducer<byte[], byte[]> producer, String tenant, String docId, Long version, Op op, long at) {
        DocumentChange change = new DocumentChange(tenant, docId, version, op, op == Op.UPSERT ? docId : null,
                op == Op.UPSERT ? "text/plain" : null, op == Op.UPSERT ? "Text of " + docId : null, Map.of(), null);
        producer.send(new ProducerRecord<>(Topics.DOC_LOG, null, at, (tenant + "/" + docId).getBytes(StandardCharsets.UTF_8),
                EventJson.write(change)));
    }
}
