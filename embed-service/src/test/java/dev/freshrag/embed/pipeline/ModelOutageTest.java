package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A model that fails for a while (as a GPU out of memory would) in the running application on the in-JVM broker: the
 * batch is retried with the partition paused, readiness is DOWN during the outage and UP after, every record ends in
 * the index and nothing goes to kb.dlq. Before, the batch was split down to single records and every one of them
 * dead-lettered. Not run against the packaged application: the failing model exists only in the test application.
 */
@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
@QuarkusTest
class ModelOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final IndexFingerprint MODEL = new IndexFingerprint("all-minilm-l6-v2", 384);

    @Inject
    FaultInjectingEmbedder embedder;

    private final String tenant = "out-" + UUID.randomUUID().toString().substring(0, 8);

    private static int readyStatus() {
        return RestAssured.get("/q/health/ready").statusCode();
    }

    @Test
    void aModelOutageIsRetriedWithReadinessDownAndNothingIsDeadLettered() throws Exception {
        // 6 failures: past the readiness threshold (5), then about 6 s of backoff in all
        embedder.failNext(6);
        for (int i = 0; i < 3; i++) {
            String docId = "doc-" + i + ".md";
            DocumentOps ops = new DocumentOps(tenant, docId, 1, DocumentOps.Kind.APPLY, "T", Map.of(),
                    List.of(ChunkOp.embed(UUID.randomUUID().toString(), 0, "hash-" + tenant + "-" + i,
                            "Record " + i + " written during a model outage.")), 1, 0, 0);
            KafkaBroker.shared().produce(Topics.CHUNK_OPS, (tenant + "/" + docId).getBytes(StandardCharsets.UTF_8),
                    EventJson.write(ops), Map.of());
        }

        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean sawDown = false;
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(ConsumerTestResources.INDEX_DIR, MODEL, LuceneOptions.defaults())) {
            while (true) {
                assertThat(System.nanoTime()).as("all three records indexed").isLessThan(deadline);
                if (readyStatus() == 503) {
                    sawDown = true;
                }
                reader.refreshNow();
                long indexed = List.of(0, 1, 2).stream()
                        .filter(i -> reader.document(tenant, "doc-" + i + ".md").isPresent()).count();
                if (indexed == 3) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        assertThat(sawDown).as("readiness DOWN during the outage").isTrue();
        assertThat(readyStatus()).as("readiness UP after it").isEqualTo(200);
        List<ConsumerRecord<String, String>> dead = KafkaBroker.shared().consumeAll(Topics.DLQ, Duration.ofSeconds(2));
        assertThat(dead).as("nothing dead-lettered").noneMatch(r -> r.key() != null && r.key().startsWith(tenant + "/"));
        assertThat(embedder.calls()).as("the model was tried until it worked").isGreaterThanOrEqualTo(7);
    }
}
