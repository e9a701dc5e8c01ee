package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendered overlays against real schemas (fabric8's Kubernetes model, Strimzi's model and CRD versions, Kafka's
 * ConfigDefs, KEDA's Kafka scaler), and a mutation per validator: one injected misspelling must make it fail.
 */
class SchemaValidationIT {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyObjectFitsItsSchema(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        OverlayConsistencyIT.assertNoProblems(overlay + " core objects", SchemaValidation.core(r));
        OverlayConsistencyIT.assertNoProblems(overlay + " Strimzi resources", SchemaValidation.strimzi(r));
        OverlayConsistencyIT.assertNoProblems(overlay + " Kafka config keys", SchemaValidation.kafkaConfig(r));
        OverlayConsistencyIT.assertNoProblems(overlay + " KEDA", SchemaValidation.keda(r));
        System.out.println("[deploy-tests] " + overlay + ": " + r.objects.size() + " objects validated against the schemas");
    }

    @Test
    void prodUsesStrimziV1AndTheReadmeStatesTheSupportedRange() {
        Rendered prod = Rendered.overlay("prod");
        assertTrue(prod.objects.stream().noneMatch(o -> String.valueOf(o.get("apiVersion")).endsWith("v1beta2")), "no v1beta2 left");
        OverlayConsistencyIT.assertNoProblems("prod release images", DeployChecks.releaseImages(prod));
        assertEquals(List.of("v1"), SchemaValidation.STRIMZI_CRDS.get("Kafka").servedVersions(), "Strimzi's Kafka CRD serves v1 only");
        assertTrue(StrimziSupport.readmeStatesRange(), "deploy/README.md states '" + StrimziSupport.RANGE + "'");
    }

    private static void misspelling(String what, Consumer<Rendered> breakIt, Function<Rendered, List<String>> validator, String fragment) {
        Rendered broken = Rendered.overlay("prod").mutate();
        breakIt.accept(broken);
        List<String> problems = validator.apply(broken);
        System.out.println("[deploy-tests] mutation " + what + " -> " + problems);
        assertFalse(problems.isEmpty(), what + " must fail validation");
        assertTrue(String.join("\n", problems).contains(fragment), "a problem names '" + fragment + "': " + problems);
    }

    private static Map<String, Object> first(Rendered r, String kind, String name) {
        return r.ofKind(kind).stream().filter(o -> Rendered.name(o).equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachValidatorFailsOnAnInjectedMisspelling() {
        misspelling("core: StatefulSet spec.template.spec.containers[0].resource (for resources)", r -> {
            Map<String, Object> c = Rendered.mainContainer(first(r, "StatefulSet", "ingest-service"));
            c.put("resource", c.remove("resources"));
        }, SchemaValidation::core, "resource");
        misspelling("core: Deployment apiVersion apps/v1beta9", r -> first(r, "Deployment", "query-service").put("apiVersion", "apps/v1beta9"),
                SchemaValidation::core, "no typed Kubernetes model");
        misspelling("Strimzi: KafkaNodePool spec.replica", r -> {
            Map<String, Object> spec = Yml.map(first(r, "KafkaNodePool", "brokers"), "spec");
            spec.put("replica", spec.remove("replicas"));
        }, SchemaValidation::strimzi, "replica");
        misspelling("Strimzi: Kafka apiVersion v1beta2", r -> first(r, "Kafka", "freshrag").put("apiVersion", "kafka.strimzi.io/v1beta2"),
                SchemaValidation::strimzi, "is not served");
        misspelling("Strimzi support: Kafka version 4.1.1", r -> Yml.map(first(r, "Kafka", "freshrag"), "spec", "kafka").put("version", "4.1.1"),
                r -> StrimziSupport.check(first(r, "Kafka", "freshrag")), "not supported by Strimzi 1.1.0");
        misspelling("Strimzi: Kafka spec.kafka.listeners[0].tls as a string", r -> Yml.maps(first(r, "Kafka", "freshrag"), "spec", "kafka", "listeners").get(0).put("tls", "no"),
                SchemaValidation::strimzi, "must be a boolean");
        misspelling("Kafka config: min.insync.replica", r -> {
            Map<String, Object> config = Yml.map(first(r, "Kafka", "freshrag"), "spec", "kafka", "config");
            config.put("min.insync.replica", config.remove("min.insync.replicas"));
        }, SchemaValidation::kafkaConfig, "min.insync.replica");
        misspelling("Kafka topic config: retention.msec", r -> Yml.map(r.ofKind("KafkaTopic").get(0), "spec", "config").put("retention.msec", "1000"),
                SchemaValidation::kafkaConfig, "retention.msec");
        misspelling("KEDA: kafka trigger lagTreshold", r -> {
            Map<String, Object> md = Yml.map(Yml.maps(first(r, "ScaledObject", "embed-service"), "spec", "triggers").get(0), "metadata");
            md.put("lagTreshold", md.remove("lagThreshold"));
        }, SchemaValidation::keda, "lagTreshold");
    }
}
