package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.Op;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.SearchHit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The embed-service is killed (SIGKILL: no offset commit, no index close) in the middle of a stream and
 * a new one takes over from the last committed offsets. Replayed operations are idempotent: the final
 * index holds exactly the newest versions, with no duplicate point.
 */
class CrashRecoveryIT {

    private static String content(int doc, int version) {
        return IntStream.range(0, 6)
                .mapToObj(p -> "Document " + doc + " paragraph " + p + (p == version ? " was revised in version " + version : "")
                        + " describes the crash recovery procedure for shard " + (doc * 10 + p) + " in plain words.")
                .collect(Collectors.joining("\n\n"));
    }

    @Test
    void aKilledEmbedServiceLeavesTheSameIndex() throws Exception {
        PipelineStack stack = PipelineStack.shared();
        String tenant = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        int docs = 30;
        List<WriteToken> tokens = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            for (int d = 0; d < docs; d++) {
                tokens.add(stack.produce(new DocumentChange(tenant, "doc-" + d, (long) v, Op.UPSERT, "Doc " + d, "text/plain",
                        content(d, v), Map.of(IndexInspector.DOC_KEY, "doc-" + d), null)));
            }
        }
        try (IndexInspector inspector = new IndexInspector(stack)) {
            // kill once the first writes are durable, while the rest is still being processed
            inspector.awaitApplied(tokens.subList(0, 5), Duration.ofSeconds(60));
            stack.crashAndRestartEmbed();
            inspector.awaitApplied(tokens, Duration.ofMinutes(3));
            for (int d = 0; d < docs; d++) {
                List<SearchHit> chunks = inspector.chunks(tenant, "doc-" + d);
                Set<String> ids = new HashSet<>(chunks.stream().map(SearchHit::chunkId).toList());
                assertThat(ids).as("no duplicate point in doc-%d", d).hasSize(chunks.size());
                assertThat(chunks).allSatisfy(h -> assertThat(h.version()).isEqualTo(3));
                assertThat(chunks.stream().map(SearchHit::text).collect(Collectors.joining("\n\n"))).isEqualTo(content(d, 3));
                assertThat(inspector.status(tenant, "doc-" + d).orElseThrow().chunks()).isEqualTo(chunks.size());
            }
        }
    }
}
