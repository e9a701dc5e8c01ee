package dev.freshrag.embed.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The start race of a re-chunking reindex, the embed-service's side, on the in-JVM broker: the backfill waits until a
 * word of the ingest for every kb.doc-changes partition is on kb.generations (words for another generation and the
 * generations' own records do not count), says meanwhile how many follow, and gives up when stopped.
 */
class IngestFollowersTest {

    private final KafkaBroker broker = KafkaBroker.shared();

    private void word(String topic, String generation, int partition) {
        GenerationFollowed w = new GenerationFollowed(generation, partition, "2026-12-01T00:00:00Z");
        broker.produce(topic, w.key().getBytes(StandardCharsets.UTF_8), EventJson.write(w), Map.of());
    }

    @Test
    void theBackfillStartsOnlyOnceEveryPartitionFollowsTheGeneration() throws Exception {
        KafkaBroker.TopicNames topics = broker.createTopics(KafkaBroker.uniquePrefix(), 3);
        IngestFollowers followers = new IngestFollowers(broker.bootstrapServers(), topics.generations(), topics.docChanges());
        broker.produce(topics.generations(), "g2".getBytes(StandardCharsets.UTF_8), EventJson.write(new GenerationControl("g2",
                "all-minilm-l6-v2", 384, 128, GenerationControl.State.BUILDING, "x", GenerationControl.Backfill.none())), Map.of());
        word(topics.generations(), "g2", 0);
        word(topics.generations(), "g2", 1);
        word(topics.generations(), "g3", 2); // another generation's

        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> followers.await("g2", () -> false));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"2 of 3 kb.doc-changes partitions follow it".equals(followers.waiting("g2")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(followers.waiting("g2")).isEqualTo("2 of 3 kb.doc-changes partitions follow it");
        Thread.sleep(500);
        assertThat(waited).as("partition 2 has not said it follows g2").isNotDone();

        word(topics.generations(), "g2", 2);
        assertThat(waited.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(followers.waiting("g2")).as("no longer waiting").isNull();
    }

    @Test
    void aStoppedWaitGivesUp() throws Exception {
        KafkaBroker.TopicNames topics = broker.createTopics(KafkaBroker.uniquePrefix(), 2);
        IngestFollowers followers = new IngestFollowers(broker.bootstrapServers(), topics.generations(), topics.docChanges());
        AtomicBoolean stopped = new AtomicBoolean();
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> followers.await("g4", stopped::get));
        Thread.sleep(500);
        assertThat(waited).isNotDone();
        stopped.set(true);
        assertThat(waited.get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(followers.waiting("g4")).isNull();
    }
}
