package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.SearchHit;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Replays the real PEP change stream (600 revisions of 150 documents, three tenants; in the build every second
 * document with all its revisions, see {@link #EVERY}) and checks that
 * every document ends at version 4 holding exactly the chunks that version 4 alone produces (indexed
 * once more, as a single event, under a reference tenant). Prints chunks embedded against what
 * re-embedding whole documents on every revision would have cost.
 */
class PepReplayIT {

    @Test
    void replayEndsWithExactlyTheVersion4Chunks() {
        Assumptions.assumeTrue(Files.exists(PepStream.location()), "the shared PEP change stream is absent: " + PepStream.location().toAbsolutePath());
        PipelineStack stack = PipelineStack.shared();
        List<DocumentChange> stream = PepStream.load();
        assertThat(stream).hasSize(600);
        List<DocumentChange> events = everyNthDocument(stream, EVERY);
        Set<String> tenants = events.stream().map(DocumentChange::tenant).collect(Collectors.toSet());
        double embeddedBefore = stack.metric(stack.embedManagementUrl(), "freshrag_chunks_embedded_total");

        long started = System.nanoTime();
        List<WriteToken> tokens = new ArrayList<>();
        Map<String, DocumentChange> last = new LinkedHashMap<>();
        for (DocumentChange e : events) {
            tokens.add(stack.produce(withDocKey(e, e.tenant())));
            last.put(e.tenant() + "/" + e.docId(), e);
        }
        try (IndexInspector inspector = new IndexInspector(stack)) {
            inspector.awaitApplied(tokens, Duration.ofMinutes(12));
            double seconds = (System.nanoTime() - started) / 1e9;
            double embeddedByModel = stack.metric(stack.embedManagementUrl(), "freshrag_chunks_embedded_total") - embeddedBefore;

            // what the diff asked for, from the operations on kb.chunk-ops
            long embedOps = 0;
            long wholeDocument = 0;
            for (ConsumerRecord<byte[], byte[]> r : stack.broker.consumeAllBytes(Topics.CHUNK_OPS, Duration.ofSeconds(10))) {
                DocumentOps ops = EventJson.readDocumentOps(r.value());
                if (tenants.contains(ops.tenant()) && ops.kind() == DocumentOps.Kind.APPLY) {
                    embedOps += ops.ops().stream().filter(o -> o.type() == ChunkOp.Type.EMBED).count();
                    wholeDocument += ops.chunkCount();
                }
            }
            double ratio = (double) embedOps / wholeDocument;
            System.out.printf("PEP replay: %d events, %d documents (of the stream's 150: every %d%s) in %.1f s; chunks to embed %d (model runs %.0f) against %d for "
                    + "whole-document re-embedding: ratio %.3f%n", events.size(), last.size(), EVERY, EVERY == 1 ? "" : ", -Dfreshrag.pep.every=1 for all", seconds, embedOps, embeddedByModel, wholeDocument, ratio);

            // the reference: each document's version 4 indexed alone, under a tenant of its own
            List<WriteToken> refTokens = new ArrayList<>();
            for (DocumentChange e : last.values()) {
                refTokens.add(stack.produce(withDocKey(e, "ref-" + e.tenant())));
            }
            inspector.awaitApplied(refTokens, Duration.ofMinutes(5));

            for (DocumentChange e : last.values()) {
                assertThat(e.version()).isEqualTo(4);
                List<SearchHit> replayed = inspector.chunks(e.tenant(), e.docId());
                List<SearchHit> reference = inspector.chunks("ref-" + e.tenant(), e.docId());
                assertThat(replayed).as("chunks of %s/%s", e.tenant(), e.docId()).isNotEmpty();
                assertThat(replayed).allSatisfy(h -> assertThat(h.version()).isEqualTo(4));
                assertThat(replayed.stream().map(SearchHit::text).toList())
                        .as("%s/%s holds exactly its version-4 chunks", e.tenant(), e.docId())
                        .isEqualTo(reference.stream().map(SearchHit::text).toList());
                assertThat(inspector.status(e.tenant(), e.docId()).orElseThrow().chunks()).isEqualTo(replayed.size());
            }
            assertThat(ratio).as("chunks embedded against whole-document re-embedding").isLessThanOrEqualTo(0.5);
        }
    }

    /**
     * Every n-th document of the stream (by first appearance), with all its revisions in stream order: the build
     * replays every second one (300 events, about a minute of embedding on 2 cores) to stay within its time;
     * {@code -Dfreshrag.pep.every=1} replays the whole stream, as the README's figures do.
     */
    private static final int EVERY = Integer.getInteger("freshrag.pep.every", 2);

    static List<DocumentChange> everyNthDocument(List<DocumentChange> stream, int n) {
        Map<String, Integer> order = new LinkedHashMap<>();
        for (DocumentChange e : stream) {
            order.putIfAbsent(e.tenant() + "/" + e.docId(), order.size());
        }
        return stream.stream().filter(e -> order.get(e.tenant() + "/" + e.docId()) % n == 0).toList();
    }

    private static DocumentChange withDocKey(DocumentChange e, String tenant) {
        Map<String, String> metadata = new HashMap<>(e.metadata());
        metadata.put(IndexInspector.DOC_KEY, e.docId());
        return new DocumentChange(tenant, e.docId(), e.version(), e.op(), e.title(), e.contentType(), e.content(), metadata, e.sourceTimestamp());
    }
}
