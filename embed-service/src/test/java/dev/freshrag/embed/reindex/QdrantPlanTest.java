package dev.freshrag.embed.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.GenerationControl;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.qdrant.InProcessQdrantProtocolDouble;
import dev.freshrag.index.qdrant.QdrantGenerations;
import dev.freshrag.index.qdrant.QdrantOptions;
import dev.freshrag.testkit.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The plan on Qdrant ({@link QdrantPlan}): kb.generations says which generations exist and in what state, the alias
 * which one is active. A replica that crashed after moving the alias and before recording the new states reads a plan
 * that follows the alias; a follower's older record never overwrites a newer one; the active collection is never
 * dropped.
 */
class QdrantPlanTest {

    private static final String ALIAS = "qp";
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);

    @Test
    void aSwitchOrRollbackCutShortAfterTheAliasMovedIsReadAsTheAliasSays() throws Exception {
        String topic = KafkaBroker.shared().createTopics(KafkaBroker.uniquePrefix(), 1).generations();
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        try (InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start()) {
            QdrantOptions options = QdrantOptions.defaults().withEndpoint("localhost", qdrant.listen()).withAlias(ALIAS)
                    .withCollectionPrefix(ALIAS).withTimeout(Duration.ofSeconds(10));
            try (VectorIndexWriter g1 = qdrant.openIndex(ALIAS, MINILM)) {
                assertThat(g1.generationNumber()).hasValue(1);
            }
            Generations adopted;
            Generations building;
            try (QdrantPlan plan = new QdrantPlan(QdrantGenerations.connect(options), new ControlTopic(bootstrap, topic))) {
                assertThat(plan.read()).as("no record yet: no plan").isEmpty();
                adopted = plan.openOrAdopt(MINILM, OptionalInt.of(1), 256, Instant.now());
                building = plan.change(adopted, adopted.start("bge-small-en-v1.5", 384, 256, Instant.now()));
                assertThat(plan.read()).hasValue(building);
            }
            Generation g1 = building.active();
            Generation g2 = building.building().orElseThrow();
            try (VectorIndexWriter w = qdrant.openGeneration(ALIAS, g2)) {
                assertThat(w.generationNumber()).hasValue(2);
            }

            // the replica moved the alias and died before recording the states: a restarted one reads the alias' word
            qdrant.switchAlias(ALIAS, g1, g2);
            ControlTopic control = new ControlTopic(bootstrap, topic);
            try (QdrantPlan restarted = new QdrantPlan(QdrantGenerations.connect(options), control)) {
                Generations read = restarted.read().orElseThrow();
                assertThat(read.active().id()).isEqualTo("g2");
                assertThat(read.previous().map(Generation::id)).hasValue("g1");
                assertThat(read.building()).isEmpty();
                assertThat(read).isEqualTo(building.switchToBuilding());

                // the switch recorded (as the verb does after the alias), then a rollback cut short the same way
                control.write(control.known().get("g2").withState(GenerationControl.State.ACTIVE));
                control.write(control.known().get("g1").withState(GenerationControl.State.PREVIOUS));
                assertThat(restarted.read()).hasValue(read);
                qdrant.switchAlias(ALIAS, g2, g1);
                Generations rolledBack = restarted.read().orElseThrow();
                assertThat(rolledBack.active().id()).isEqualTo("g1");
                assertThat(rolledBack.previous().map(Generation::id)).hasValue("g2");

                // the active collection is never dropped; a stale expected plan is refused
                assertThatThrownBy(() -> restarted.drop(rolledBack.active())).isInstanceOf(GenerationConflictException.class);
                assertThatThrownBy(() -> restarted.change(building, building.abortBuilding()))
                        .isInstanceOf(GenerationConflictException.class);
                Generations dropped = restarted.change(rolledBack, rolledBack.dropPrevious());
                restarted.drop(rolledBack.previous().orElseThrow());
                assertThat(restarted.exists(g2)).isFalse();
                assertThat(dropped.previous()).isEmpty();
                try (QdrantPlan again = new QdrantPlan(QdrantGenerations.connect(options), new ControlTopic(bootstrap, topic))) {
                    assertThat(again.read()).as("read again from the topic").hasValue(dropped);
                }
            }
        }
    }

    @Test
    void aRecordOlderThanOneKnownIsNotLearned() {
        String topic = KafkaBroker.shared().createTopics(KafkaBroker.uniquePrefix(), 1).generations();
        ControlTopic control = new ControlTopic(KafkaBroker.shared().bootstrapServers(), topic);
        GenerationControl building = new GenerationControl("g2", "bge-small-en-v1.5", 384, 256,
                GenerationControl.State.BUILDING, Instant.EPOCH.toString(), GenerationControl.Backfill.none());
        control.write(building);
        control.write(building.withState(GenerationControl.State.ABORTED));
        assertThat(control.known().get("g2").state()).isEqualTo(GenerationControl.State.ABORTED);
        // a follower that lags delivers the BUILDING record (offset 0) after this process wrote ABORTED (offset 1)
        assertThat(control.learn(building, 0)).isFalse();
        assertThat(control.known().get("g2").state()).isEqualTo(GenerationControl.State.ABORTED);
        assertThat(control.learn(building.withState(GenerationControl.State.DROPPED), 2)).isTrue();
        assertThat(control.known().get("g2").state()).isEqualTo(GenerationControl.State.DROPPED);
    }
}
