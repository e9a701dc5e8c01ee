package dev.freshrag.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.freshrag.embedding.archfixture.EmbedderThatKnowsTheIndex;
import dev.freshrag.events.archfixture.ContractThatKnowsSecurity;
import dev.freshrag.index.lucene.archfixture.AdapterThatKnowsHttp;
import dev.freshrag.query.archfixture.QueryThatKnowsIngest;
import org.junit.jupiter.api.Test;

/**
 * Each rule rejects a class that breaks it: the fixtures in this module's test sources (never imported by
 * {@link ModuleRulesTest}, which reads main classes only) sit in the packages the rules guard.
 */
class RulesCanFailTest {

    @Test
    void theContractRuleRejectsAnImportOfAnotherModule() {
        rejects(FreshragArchRules.CONTRACT_IMPORTS_NOTHING_OF_OURS, ContractThatKnowsSecurity.class, "dev.freshrag.security.Role");
    }

    @Test
    void theEmbedderRuleRejectsAnImportOfTheIndex() {
        rejects(FreshragArchRules.EMBEDDER_KNOWS_NO_KAFKA_AND_NO_INDEX, EmbedderThatKnowsTheIndex.class, "IndexFingerprint");
    }

    @Test
    void theAdapterRuleRejectsAnImportOfHttp() {
        rejects(FreshragArchRules.INDEX_ADAPTERS_KNOW_NO_KAFKA_AND_NO_HTTP, AdapterThatKnowsHttp.class, "ProblemException");
    }

    @Test
    void theServiceRuleRejectsAnImportOfAnotherService() {
        rejects(FreshragArchRules.QUERY_IMPORTS_NO_OTHER_SERVICE, QueryThatKnowsIngest.class, "WriteAccepted");
    }

    private static void rejects(ArchRule rule, Class<?> fixture, String mentioned) {
        JavaClasses classes = new ClassFileImporter().importClasses(fixture);
        AssertionError e = assertThrows(AssertionError.class, () -> rule.check(classes));
        assertTrue(e.getMessage().contains(mentioned), e.getMessage());
    }
}
