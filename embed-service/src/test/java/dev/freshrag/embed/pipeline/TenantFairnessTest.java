package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 2 in the running application on the in-JVM broker, with the real model: one tenant floods kb.chunk-ops
 * with unmarked (live) records, more than one slice of work, received in one or more poll batches; another tenant's
 * edit sent while the flood's first slice embeds must be in one of the next slices, not behind the whole flood. The
 * test counts model calls (one per slice), not seconds. Before the live pool, the consumer sliced each poll batch on
 * its own and took the next batch only when the previous one was durable, so the edit waited for every flood record
 * received before it.
 */
@QuarkusTest
class TenantFairnessTest {

    private static final Duration WAIT = Duration.ofSeconds(300);
    private static final IndexFingerprint MODEL = new IndexFingerprint("all-minilm-l6-v2", 384);
    /**
     * 320 records of 4 chunks: 1280 chunks to embed, at least five slices (at most 256 chunks each; the live lane cuts
     * them smaller, to what the model embeds in {@code live-slice-time}).
     */
    private static final int FLOOD_RECORDS = 320;
    private static final int CHUNKS_PER_RECORD = 4;

    @Inject
    FaultInjectingEmbedder embedder;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String flooder = "flood-" + run;
    private final String editor = "edit-" + run;

    @Test
    void anotherTenantsEditIsInTheNextSliceNotBehindTheFlood() throws Exception {
        for (int i = 0; i < FLOOD_RECORDS; i++) {
            String[] texts = new String[CHUNKS_PER_RECORD];
            for (int c = 0; c < CHUNKS_PER_RECORD; c++) {
                // unique texts: the embedding cache answers none of them, every chunk goes through the model
                texts[c] = "Flood " + run + " record " + i + " paragraph " + c + " about tide tables and harbour fees.";
            }
            LiveChunkOps.send(LiveChunkOps.newDocument(flooder, "flood-" + i + ".md", texts));
        }
        String lastFloodText = "Flood " + run + " record " + (FLOOD_RECORDS - 1) + " paragraph ";
        String firstFloodText = "Flood " + run + " record ";

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (embedder.callEmbedding(firstFloodText) < 0) {
            assertThat(System.nanoTime()).as("the flood's first slice embeds").isLessThan(deadline);
            Thread.sleep(10);
        }
        int inProgress = embedder.calls(); // the flood's slice embedding (or just embedded) as the edit is sent
        String editText = "Edit " + run + ": the library opens at nine on Sundays.";
        LiveChunkOps.send(LiveChunkOps.newDocument(editor, "hours.md", editText));

        try (LuceneReaderIndex reader = LuceneReaderIndex.open(ConsumerTestResources.INDEX_DIR, MODEL, LuceneOptions.defaults())) {
            while (true) {
                assertThat(System.nanoTime()).as("the edit and the flood indexed").isLessThan(deadline);
                reader.refreshNow();
                if (reader.document(editor, "hours.md").isPresent()
                        && reader.document(flooder, "flood-" + (FLOOD_RECORDS - 1) + ".md").isPresent()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        int editCall = embedder.callEmbedding(editText);
        int floodDoneCall = embedder.callEmbedding(lastFloodText);
        System.out.printf("tenant fairness: the edit sent during model call %d was embedded in call %d; the flood's"
                + " last record in call %d%n", inProgress, editCall, floodDoneCall);
        // one slice per model call; +1: the slice after the one in progress; +1: the edit's own delivery may take as
        // long as the rest of the slice in progress and the edit then joins the slice after the next
        assertThat(editCall).as("the edit's slice (the flood's slice in progress when it was sent: %d)", inProgress)
                .isBetween(inProgress + 1, inProgress + 2);
        assertThat(editCall).as("the edit is embedded, and so durable, before the flood's last slice")
                .isLessThan(floodDoneCall);
    }
}
