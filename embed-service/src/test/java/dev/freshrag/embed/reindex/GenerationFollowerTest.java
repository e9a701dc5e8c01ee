package dev.freshrag.embed.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a replica's follower of kb.generations hands on, on the in-JVM broker. The topic also carries the
 * ingest-service's words that it chunks for a generation ({@link GenerationFollowed}, one per kb.doc-changes partition,
 * during a re-chunking reindex): they are not generations. Read as one, a word has no state, and a round holding one
 * failed and was read again, and failed again, for as long as the word was on the topic: a replica that did not serve
 * the verb never opened, switched or closed the generation.
 */
class GenerationFollowerTest {

    private final KafkaBroker broker = KafkaBroker.shared();

    private void control(String topic, String generation, GenerationControl.State state) {
        broker.produce(topic, generation.getBytes(StandardCharsets.UTF_8), EventJson.write(new GenerationControl(generation,
                "bge-small-en-v1.5", 384, 512, state, "2026-12-01T00:00:00Z", GenerationControl.Backfill.none())), Map.of());
    }

    private void word(String topic, String generation, int partition) {
        GenerationFollowed w = new GenerationFollowed(generation, partition, "2026-12-01T00:00:01Z");
        broker.produce(topic, w.key().getBytes(StandardCharsets.UTF_8), EventJson.write(w), Map.of());
    }

    @Test
    void theIngestsWordsOnTheTopicAreNotGenerationsAndDoNotStopTheReplicaFollowing() throws Exception {
        KafkaBroker.TopicNames topics = broker.createTopics(KafkaBroker.uniquePrefix(), 2);
        control(topics.generations(), "g2", GenerationControl.State.BUILDING);
        word(topics.generations(), "g2", 0);
        word(topics.generations(), "g2", 1);

        List<List<GenerationFollower.Seen>> rounds = new CopyOnWriteArrayList<>();
        try (GenerationFollower follower = new GenerationFollower(broker.bootstrapServers(), topics.generations(),
                Duration.ofMillis(100), rounds::add)) {
            follower.start();
            awaitRounds(rounds, 1);
            assertThat(rounds.get(0)).extracting(s -> s.record().generation() + " " + s.record().state())
                    .as("the generation's own record, not the ingest's words after it").containsExactly("g2 BUILDING");

            // the next step, served by another replica, still reaches this one
            control(topics.generations(), "g2", GenerationControl.State.ACTIVE);
            control(topics.generations(), "g1", GenerationControl.State.PREVIOUS);
            awaitRounds(rounds, 2);
            assertThat(rounds.get(1)).extracting(s -> s.record().generation() + " " + s.record().state())
                    .containsExactlyInAnyOrder("g2 ACTIVE", "g1 PREVIOUS");
        }
    }

    private static void awaitRounds(List<List<GenerationFollower.Seen>> rounds, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (rounds.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(rounds).as("rounds handed on").hasSizeGreaterThanOrEqualTo(n);
    }
}
