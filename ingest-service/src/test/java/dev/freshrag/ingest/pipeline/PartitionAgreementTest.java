package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
}
