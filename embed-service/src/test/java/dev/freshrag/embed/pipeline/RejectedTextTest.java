package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A remote embedding server refusing one text (HTTP 413: an input error, the same on every try): the batch is
 * narrowed down record by record, only the record carrying the text goes to kb.dlq, and its neighbours are indexed.
 * Retrying it would block the partition forever. The refusal is injected: no embedding server runs in this test.
 */
@QuarkusTest
class RejectedTextTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final IndexFingerprint MODEL = new IndexFingerprint("all-minilm-l6-v2", 384);

    @Inject
    FaultInjectingEmbedder embedder;

    private final String tenant = "rej-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void stopRejecting() {
        embedder.rejectTextsContaining(null);
    }

    @Test
    void onlyTheRecordWhoseTextIsRefusedIsDeadLettered() throws Exception {
        String marker = "REFUSED-" + tenant;
        embedder.rejectTextsContaining(marker);
        for (int i = 0; i < 3; i++) {
            String docId = "doc-" + i + ".md";
            String text = i == 1 ? "A text the server refuses " + marker : "Record " + i + " the server accepts.";
            DocumentOps ops = new DocumentOps(tenant, docId, 1, DocumentOps.Kind.APPLY, "T", Map.of(),
                    List.of(ChunkOp.embed(UUID.randomUUID().toString(), 0, "hash-" + tenant + "-" + i, text)), 1, 0, 0);
            KafkaBroker.shared().produce(Topics.CHUNK_OPS, (tenant + "/" + docId).getBytes(StandardCharsets.UTF_8),
                    EventJson.write(ops), Map.of());
        }

        long deadline = System.nanoTime() + WAIT.toNanos();
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(ConsumerTestResources.INDEX_DIR, MODEL, LuceneOptions.defaults())) {
            while (true) {
                assertThat(System.nanoTime()).as("records 0 and 2 indexed").isLessThan(deadline);
                reader.refreshNow();
                if (reader.document(tenant, "doc-0.md").isPresent() && reader.document(tenant, "doc-2.md").isPresent()) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(reader.document(tenant, "doc-1.md")).as("the refused record is not indexed").isEmpty();
        }
        List<ConsumerRecord<String, String>> dead = KafkaBroker.shared().consumeAll(Topics.DLQ, Duration.ofSeconds(5)).stream()
                .filter(r -> r.key() != null && r.key().startsWith(tenant + "/")).toList();
        assertThat(dead).extracting(ConsumerRecord::key).containsExactly(tenant + "/doc-1.md");
        String reason = new String(dead.get(0).headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("rejected").contains("413");
    }
}
