package dev.freshrag.index.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexRequestTooLargeException;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FencedWritesScenarios} on the {@link InProcessQdrantProtocolDouble}, which applies {@code update_filter} and
 * enforces message size limits as the server and the client channel do; it is not Qdrant. Here also what only the
 * double can show: the same scenario without the condition, and answers over a lowered client limit.
 */
class FencedWritesTest extends FencedWritesScenarios {

    private final InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start();

    @Override
    protected QdrantVectorIndex newWriter() {
        return QdrantVectorIndex.open(qdrant.newClient(), QdrantOptions.defaults().withTimeout(Duration.ofSeconds(5)), FP);
    }

    @Override
    protected void afterWriters() {
        qdrant.close();
    }

    @Test
    void withoutTheUpsertConditionTheSameScenarioLosesTheNewerChunk() {
        qdrant.ignoreUpdateFilters(); // what a server without update_filter (or an adapter without it) does
        QdrantVectorIndex owner = writer();
        QdrantVectorIndex stale = writer();

        issueScenario(stale, owner);

        // the issue's failure: b is back, a is labelled v1 again, the mark and the partition's position went back
        assertThat(owner.chunkIds("acme", "doc")).containsExactly("a", "b");
        assertThat(owner.document("acme", "doc")).hasValueSatisfying(d -> assertThat(d.version()).isEqualTo(1));
        assertThat(owner.documentMark("acme", "doc")).contains(new DocumentMark(1, false, 0, 10));
        assertThat(owner.appliedSourceOffsets()).isEqualTo(SourceOffsets.applied(0, 10));
    }

    @Test
    void relabellingThousandsOfChunksNeverReadsTheirTextsInOneAnswer() {
        qdrant.clientInboundLimit(4 * 1024 * 1024); // gRPC's default, the limit the issue hit
        QdrantVectorIndex index = writer();
        String text = "x".repeat(2_000);
        List<IndexPoint> points = new ArrayList<>();
        Map<String, Integer> relabel = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            String chunk = "a" + i;
            points.add(new IndexPoint("acme", "big", chunk, i, "h" + i, text, new DocumentPayload(1, "t", Map.of()),
                    new float[] {1, i, 0, 1}, 1L));
            relabel.put(chunk, i);
        }
        index.upsert(points); // 6 MB of text, in requests of 256 points

        List<String> missing = index.updatePayload("acme", "big", new DocumentPayload(2, "t2", Map.of()), relabel);

        assertThat(missing).isEmpty();
        assertThat(index.document("acme", "big")).hasValueSatisfying(d -> {
            assertThat(d.version()).isEqualTo(2);
            assertThat(d.chunks()).isEqualTo(3_000);
        });
    }

    @Test
    void anAnswerOverTheClientsLimitIsABugToSurfaceNotAnOutageToRetry() {
        qdrant.clientInboundLimit(64 * 1024);
        QdrantVectorIndex index = writer();
        String text = "y".repeat(8_000);
        List<IndexPoint> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            points.add(new IndexPoint("acme", "d", "c" + i, i, "h" + i, text, new DocumentPayload(1, null, Map.of()),
                    new float[] {1, i, 0, 1}, 1L));
        }
        index.upsert(points);

        assertThatThrownBy(() -> index.search(new SearchQuery("acme", new float[] {1, 0, 0, 1}, 20, Map.of())))
                .isInstanceOf(IndexRequestTooLargeException.class)
                .hasMessageContaining("RESOURCE_EXHAUSTED").hasMessageContaining("exceeds maximum size");
    }
}
