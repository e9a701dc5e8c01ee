package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import java.util.List;
import java.util.Map;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The start-up refusal when kb.doc-changes and the state's changelog disagree on partitions. */
class PartitionAgreementTest {

    private static final String CHANGELOG = PartitionAgreement.changelog("freshrag-ingest");

    @Test
    void theChangelogIsNamedAsKafkaStreamsNamesIt() {
        assertThat(CHANGELOG).isEqualTo("freshrag-ingest-document-state-changelog");
    }

    @Test
    void agreeingOrFreshTopicsPass() {
        assertThat(PartitionAgreement.problem("kb.doc-changes", 6, CHANGELOG, OptionalInt.of(6))).isEmpty();
        assertThat(PartitionAgreement.problem("kb.doc-changes", 6, CHANGELOG, OptionalInt.empty())).isEmpty();
    }

    @Test
    void disagreeingTopicsAreRefusedWithHowToMigrate() {
        String problem = PartitionAgreement.problem("kb.doc-changes", 12, CHANGELOG, OptionalInt.of(6)).orElseThrow();
        assertThat(problem).contains("kb.doc-changes has 12 partitions", CHANGELOG + " has 6", "To migrate",
                "./freshrag verify");
    }

    @Test
    void onABrokerAGrownInputTopicStopsTheStart() {
        KafkaBroker broker = KafkaBroker.shared();
        String prefix = KafkaBroker.uniquePrefix();
        String app = prefix + "ingest";
        broker.createTopics(List.of(new Topics.Spec(prefix + Topics.DOC_CHANGES, 3, Map.of()),
                new Topics.Spec(PartitionAgreement.changelog(app), 2, Map.of())));
        assertThatThrownBy(() -> PartitionAgreement.check(broker.bootstrapServers(), app, prefix + Topics.DOC_CHANGES, prefix + Topics.DOC_CHANGES_BULK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has 3 partitions").hasMessageContaining("has 2");
        // a fresh start (no changelog yet) passes
        PartitionAgreement.check(broker.bootstrapServers(), prefix + "fresh", prefix + Topics.DOC_CHANGES, prefix + Topics.DOC_CHANGES_BULK);
    }

    @Test
    void aDeferredLaneWithOtherPartitionsIsRefused() {
        assertThat(PartitionAgreement.deferredProblem("kb.doc-changes", 6, "kb.doc-changes.bulk", OptionalInt.of(6))).isEmpty();
        assertThat(PartitionAgreement.deferredProblem("kb.doc-changes", 6, "kb.doc-changes.bulk", OptionalInt.empty())).isEmpty();
        assertThat(PartitionAgreement.deferredProblem("kb.doc-changes", 6, "kb.doc-changes.bulk", OptionalInt.of(3)).orElseThrow())
                .contains("kb.doc-changes has 6 partitions", "kb.doc-changes.bulk (the ingest's deferred lane) has 3");

        KafkaBroker broker = KafkaBroker.shared();
        String prefix = KafkaBroker.uniquePrefix();
        broker.createTopics(List.of(new Topics.Spec(prefix + Topics.DOC_CHANGES, 3, Map.of()),
                new Topics.Spec(prefix + Topics.DOC_CHANGES_BULK, 2, Map.of())));
        assertThatThrownBy(() -> PartitionAgreement.check(broker.bootstrapServers(), prefix + "ingest", prefix + Topics.DOC_CHANGES,
                prefix + Topics.DOC_CHANGES_BULK)).isInstanceOf(IllegalStateException.class).hasMessageContaining("deferred lane");
    }
}
