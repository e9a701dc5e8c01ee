package dev.freshrag.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of {@link FreshragArchRules} on the main classes of every library and service. */
class ModuleRulesTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.freshrag");
        // an import that found nothing would make every rule pass: require each module's classes
        for (String pkg : List.of("dev.freshrag.events", "dev.freshrag.tokenizer", "dev.freshrag.embedding", "dev.freshrag.index.lucene",
                "dev.freshrag.index.qdrant", "dev.freshrag.http", "dev.freshrag.security", "dev.freshrag.tracing", "dev.freshrag.ingest",
                "dev.freshrag.embed", "dev.freshrag.query")) {
            assertTrue(main.containPackage(pkg), "no classes of " + pkg + " were imported");
        }
    }

    @Test
    void servicesNeverImportEachOther() {
        FreshragArchRules.INGEST_IMPORTS_NO_OTHER_SERVICE.check(main);
        FreshragArchRules.EMBED_IMPORTS_NO_OTHER_SERVICE.check(main);
        FreshragArchRules.QUERY_IMPORTS_NO_OTHER_SERVICE.check(main);
    }

    @Test
    void theContractImportsNothingOfOurs() {
        FreshragArchRules.CONTRACT_IMPORTS_NOTHING_OF_OURS.check(main);
    }

    @Test
    void theEmbedderKnowsNoKafkaAndNoIndex() {
        FreshragArchRules.EMBEDDER_KNOWS_NO_KAFKA_AND_NO_INDEX.check(main);
    }

    @Test
    void indexAdaptersKnowNoKafkaAndNoHttp() {
        FreshragArchRules.INDEX_ADAPTERS_KNOW_NO_KAFKA_AND_NO_HTTP.check(main);
    }

    @Test
    void theHttpProblemLibraryKnowsNoIndex() {
        FreshragArchRules.HTTP_PROBLEMS_KNOW_NO_INDEX.check(main);
    }

    @Test
    void librariesImportNoServiceAndNoTool() {
        FreshragArchRules.LIBRARIES_IMPORT_NO_SERVICE_AND_NO_TOOL.check(main);
    }

    @Test
    void servicesImportNoTool() {
        FreshragArchRules.SERVICES_IMPORT_NO_TOOL.check(main);
    }
}
