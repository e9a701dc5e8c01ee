package dev.freshrag.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules of FreshRAG as ArchUnit rules, one constant each (as Debezium's DebeziumArchRules).
 * They are written against packages because every module owns its packages: the event contract
 * {@code dev.freshrag.events}, the tokenizer {@code dev.freshrag.tokenizer}, the embedder
 * {@code dev.freshrag.embedding}, the index port {@code dev.freshrag.index} with its adapters
 * {@code .lucene} and {@code .qdrant} and the selection {@code .select}, HTTP problems {@code dev.freshrag.http},
 * API keys {@code dev.freshrag.security}; the services {@code dev.freshrag.ingest}, {@code .embed},
 * {@code .query}.
 */
final class FreshragArchRules {

    static final String[] KAFKA = {"org.apache.kafka..", "io.smallrye.reactive.messaging..",
        "org.eclipse.microprofile.reactive.messaging..", "io.quarkus.kafka..", "io.smallrye.reactive.kafka.."};

    static final String[] HTTP = {"jakarta.ws.rs..", "io.vertx..", "org.jboss.resteasy..", "io.quarkus.vertx..",
        "io.quarkus.resteasy..", "java.net.http..", "jakarta.servlet..", "dev.freshrag.http.."};

    static final String[] SERVICES = {"dev.freshrag.ingest..", "dev.freshrag.embed..", "dev.freshrag.query.."};

    static final String[] LIBRARIES = {"dev.freshrag.events..", "dev.freshrag.tokenizer..", "dev.freshrag.embedding..",
        "dev.freshrag.index..", "dev.freshrag.http..", "dev.freshrag.security..", "dev.freshrag.tracing.."};

    /** Operator tools and test support: nothing that ships in a service may lean on them. */
    static final String[] TOOLS_AND_TESTING = {"dev.freshrag.cli..", "dev.freshrag.launcher..", "dev.freshrag.bench..",
        "dev.freshrag.localkafka..", "dev.freshrag.testkit..", "dev.freshrag.e2e..", "dev.freshrag.deploy.."};

    /** The event contract is what producers and all services share: it may not know any other part of FreshRAG. */
    static final ArchRule CONTRACT_IMPORTS_NOTHING_OF_OURS = noClasses()
            .that().resideInAPackage("dev.freshrag.events..")
            .should().dependOnClassesThat(
                    com.tngtech.archunit.base.DescribedPredicate.describe("are FreshRAG classes outside the event contract",
                            c -> c.getPackageName().startsWith("dev.freshrag.")
                                    && !(c.getPackageName() + ".").startsWith("dev.freshrag.events.")))
            .as("the event contract (dev.freshrag.events) imports nothing else of FreshRAG");

    /** The embedder runs wherever a model runs (a GPU box, a benchmark): no Kafka, no index. */
    static final ArchRule EMBEDDER_KNOWS_NO_KAFKA_AND_NO_INDEX = noClasses()
            .that().resideInAnyPackage("dev.freshrag.embedding..", "dev.freshrag.tokenizer..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(KAFKA, "dev.freshrag.index.."))
            .as("the embedder and the tokenizer know neither Kafka nor the index");

    /** Index adapters are storage: whoever feeds them (Kafka consumer, HTTP, a benchmark) is not their business. */
    static final ArchRule INDEX_ADAPTERS_KNOW_NO_KAFKA_AND_NO_HTTP = noClasses()
            .that().resideInAnyPackage("dev.freshrag.index..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(KAFKA, HTTP))
            .as("the index port and its adapters know neither Kafka nor HTTP");

    /** Problem details are the HTTP edge of every service; what went wrong in the index is the service's to map. */
    static final ArchRule HTTP_PROBLEMS_KNOW_NO_INDEX = noClasses()
            .that().resideInAPackage("dev.freshrag.http..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.freshrag.index..")
            .as("the HTTP problem library (dev.freshrag.http) knows no index");

    /** Services talk through topics and the index, never through each other's classes. */
    static final ArchRule INGEST_IMPORTS_NO_OTHER_SERVICE = serviceRule("dev.freshrag.ingest..");
    static final ArchRule EMBED_IMPORTS_NO_OTHER_SERVICE = serviceRule("dev.freshrag.embed..");
    static final ArchRule QUERY_IMPORTS_NO_OTHER_SERVICE = serviceRule("dev.freshrag.query..");

    /** Libraries are built before the services and ship inside them: they cannot depend on a service or a tool. */
    static final ArchRule LIBRARIES_IMPORT_NO_SERVICE_AND_NO_TOOL = noClasses()
            .that().resideInAnyPackage(LIBRARIES)
            .should().dependOnClassesThat().resideInAnyPackage(concat(SERVICES, TOOLS_AND_TESTING))
            .as("libraries import no service, no tool and no test support");

    /** Services ship to production: no test kit, launcher or benchmark code inside them. */
    static final ArchRule SERVICES_IMPORT_NO_TOOL = noClasses()
            .that().resideInAnyPackage(SERVICES)
            .should().dependOnClassesThat().resideInAnyPackage(TOOLS_AND_TESTING)
            .as("services import no tool and no test support");

    private FreshragArchRules() {
    }

    private static ArchRule serviceRule(String service) {
        String[] others = java.util.Arrays.stream(SERVICES).filter(s -> !s.equals(service)).toArray(String[]::new);
        return noClasses().that().resideInAPackage(service)
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .as("service " + service.replace("..", "") + " imports no other service");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
