package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code freshrag.batching.backlog-commit-interval} in the running application on the in-JVM broker, with the real
 * model and index. Two tenants flood kb.chunk-ops with unmarked (live) records at once, so the live lane cuts a small
 * slice per tenant turn; with a long interval here (60 s) their slices wait for each other and share writes, while a
 * third tenant's edit, sent during the flood, is written as soon as its slice is embedded, not held with the backlog.
 * Writes are counted with {@code freshrag_lane_writes_total} (one commit each) against the model calls of the flood.
 */
@QuarkusTest
@TestProfile(BacklogCommitsTest.LongInterval.class)
class BacklogCommitsTest {

    /** Long enough that only a tenant with nothing queued, or the end of the work, writes what the backlog held. */
    public static class LongInterval implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("freshrag.batching.backlog-commit-interval", "PT60S");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(300);
    private static final IndexFingerprint MODEL = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static final int RECORDS_PER_TENANT = 150;
    private static final int CHUNKS_PER_RECORD = 4;

    @Inject
    FaultInjectingEmbedder embedder;

    @Inject
    MeterRegistry registry;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private double liveWrites() {
        var counter = registry.find("freshrag.lane.writes").tag("lane", "live").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aBacklogsSlicesShareCommitsAndAnEditIsNotHeldWithThem() throws Exception {
        double writesBefore = liveWrites();
        int callsBefore = embedder.calls();
        List<String> flooders = List.of("flood-a-" + run, "flood-b-" + run);
        for (int i = 0; i < RECORDS_PER_TENANT; i++) {
            for (String tenant : flooders) {
                String[] texts = new String[CHUNKS_PER_RECORD];
                for (int c = 0; c < CHUNKS_PER_RECORD; c++) {
                    // unique texts: the embedding cache answers none of them, every chunk goes through the model
                    texts[c] = "Backlog " + tenant + " record " + i + " paragraph " + c + " on ferry timetables.";
                }
                LiveChunkOps.send(LiveChunkOps.newDocument(tenant, "doc-" + i + ".md", texts));
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (embedder.callEmbedding("Backlog ") < 0 || embedder.calls() < callsBefore + 3) {
            assertThat(System.nanoTime()).as("the flood's first slices embed").isLessThan(deadline);
            Thread.sleep(10);
        }
        String editor = "edit-" + run;
        LiveChunkOps.send(LiveChunkOps.newDocument(editor, "hours.md", "Edit " + run + ": the museum closes at six on Mondays."));

        String lastA = "doc-" + (RECORDS_PER_TENANT - 1) + ".md";
        boolean floodDoneWhenEditSeen = false;
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(ConsumerTestResources.INDEX_DIR, MODEL, LuceneOptions.defaults())) {
            while (true) {
                assertThat(System.nanoTime()).as("the edit indexed").isLessThan(deadline);
                reader.refreshNow();
                if (reader.document(editor, "hours.md").isPresent()) {
                    floodDoneWhenEditSeen = flooders.stream().allMatch(t -> reader.document(t, lastA).isPresent());
                    break;
                }
                Thread.sleep(20);
            }
            while (!flooders.stream().allMatch(t -> reader.document(t, lastA).isPresent())) {
                assertThat(System.nanoTime()).as("the flood indexed").isLessThan(deadline);
                Thread.sleep(50);
                reader.refreshNow();
            }
        }
        int floodCalls = embedder.calls() - callsBefore;
        double writes = liveWrites() - writesBefore;
        System.out.printf("backlog commits: %d model calls, %.0f live writes (commits); the flood was %s when the edit"
                + " was searchable%n", floodCalls, writes, floodDoneWhenEditSeen ? "done" : "still loading");
        assertThat(floodDoneWhenEditSeen).as("the edit is written with its slice, not held until the backlog ends")
                .isFalse();
        // each model call is about one slice here (two tenants waiting: slices cut to one call's time); without
        // coalescing there is one write per slice, and the two flooders' slices alone are more than a handful
        assertThat(floodCalls).as("the flood took several slices").isGreaterThanOrEqualTo(6);
        assertThat(writes).as("writes (commits) against %d model calls", floodCalls).isLessThanOrEqualTo(floodCalls / 2.0);
    }
}
