package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each overlay with `kubectl kustomize` and checks the objects against the code. A failure lists every
 * inconsistency found, each naming the object and the code it disagrees with.
 */
class OverlayConsistencyIT {

    static void assertNoProblems(String what, List<String> problems) {
        assertTrue(problems.isEmpty(), () -> what + ":\n  - " + String.join("\n  - ", problems));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyTopicOfTheCodeIsAKafkaTopicWithItsPartitionsAndConfig(String overlay) {
        assertNoProblems(overlay + " topics", DeployChecks.topics(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyTopicAServiceIsConfiguredWithExists(String overlay) {
        assertNoProblems(overlay + " configured topics", DeployChecks.configuredTopics(Rendered.overlay(overlay), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyServiceIsDeployedWithProbesOnItsHealthEndpointsAndScrapedMetrics(String overlay) {
        assertNoProblems(overlay + " probes and metrics", DeployChecks.probesAndMetrics(Rendered.overlay(overlay), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyContainerHasRequestsLimitsAndAPinnedImage(String overlay) {
        assertNoProblems(overlay + " resources and images", DeployChecks.resourcesAndImages(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyEnvironmentKeyIsARealPropertyAndEverythingRequiredIsSet(String overlay) {
        assertNoProblems(overlay + " configuration keys", DeployChecks.configKeys(Rendered.overlay(overlay), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void addressesAndKeysLeadToTheRightServers(String overlay) {
        assertNoProblems(overlay + " wiring", DeployChecks.wiring(Rendered.overlay(overlay), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyNeededSecretIsRenderedOrDocumented(String overlay) {
        assertNoProblems(overlay + " secrets", DeployChecks.secrets(Rendered.overlay(overlay), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void onlyTheServicesThatNeedKafkaQdrantOrTheLlmReachThem(String overlay) {
        assertNoProblems(overlay + " network policies", DeployChecks.networkPolicies(Rendered.overlay(overlay), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyPodMonitorScrapesARealPortPrometheusMayReach(String overlay) {
        assertNoProblems(overlay + " pod monitors", DeployChecks.podMonitors(Rendered.monitoring(), Rendered.overlay(overlay), Code.get()));
    }

    @Test
    void devRunsOneOfEverythingWithoutGpuEmbedding() {
        Rendered dev = Rendered.overlay("dev");
        assertNoProblems("dev replicas", DeployChecks.singleReplicas(dev));
        assertNoProblems("dev GPUs", DeployChecks.gpu(dev, Code.get(), false));
        assertTrue(dev.ofKind("ScaledObject").isEmpty(), "dev has no KEDA ScaledObject");
    }

    @Test
    void prodEmbedsOnGpusAndKedaScalesUpToTheChunkOpsPartitions() {
        Rendered prod = Rendered.overlay("prod");
        assertNoProblems("prod GPUs", DeployChecks.gpu(prod, Code.get(), true));
        assertEquals(List.of("embed-service"), prod.ofKind("ScaledObject").stream().map(so -> Yml.str(so, "spec", "scaleTargetRef", "name")).toList(),
                "prod scales the embed-service with KEDA");
        assertNoProblems("prod scaling", DeployChecks.scaling(prod, Code.get()));
    }

    @Test
    void prodTeiEmbedsThroughTeiOnAGpuNodeAndTheEmbedServiceNeedsNoGpu() {
        Rendered tei = Rendered.overlay("prod-tei");
        assertNoProblems("prod-tei remote embedding", DeployChecks.remoteEmbedding(tei, Code.get(), true));
        // the embed-service: the CPU image, no GPU; the rest of prod (KEDA, availability, release images) stays
        assertNoProblems("prod-tei GPUs", DeployChecks.gpu(tei, Code.get(), false, true));
        assertNoProblems("prod-tei release images", DeployChecks.releaseImages(tei));
        assertNoProblems("prod-tei scaling", DeployChecks.scaling(tei, Code.get()));
        assertNoProblems("prod-tei availability", DeployChecks.highAvailability(tei, Code.get()));
        assertNoProblems("prod-tei quorum spread", DeployChecks.quorumSpread(tei));
        System.out.println("[deploy-tests] prod-tei: embed- and query-service embed through "
                + Rendered.kindAndName(tei.workload("tei").orElseThrow()) + " on a GPU node");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "dev-debezium"})
    void overlaysWithoutTeiEmbedInProcess(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        assertNoProblems(overlay + " remote embedding", DeployChecks.remoteEmbedding(r, Code.get(), false));
        assertFalse(DeployChecks.remoteEmbedding(r, Code.get(), true).isEmpty(), overlay + " embeds in process");
    }

    @Test
    void prodIsReplicatedSpreadAndProtectedByDisruptionBudgets() {
        assertNoProblems("prod availability", DeployChecks.highAvailability(Rendered.overlay("prod"), Code.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "prod-tei", "dev-debezium"})
    void everyPodIsHardened(String overlay) {
        assertNoProblems(overlay + " hardening", DeployChecks.hardening(Rendered.overlay(overlay)));
    }

    @Test
    void prodQuorumsSurviveANodeAndKnowTheirZones() {
        assertNoProblems("prod quorum spread", DeployChecks.quorumSpread(Rendered.overlay("prod")));
    }

    @Test
    void theCodeModelSeesTheThreeServicesAndTheirMappings() {
        Code code = Code.get();
        assertEquals(List.of("ingest-service", "embed-service", "query-service"), code.services.stream().map(s -> s.name).toList());
        for (ServiceModule s : code.services) {
            assertFalse(s.mapped.isEmpty(), s.name + " has @ConfigMapping properties");
            assertTrue(s.acceptsEnv("QUARKUS_HTTP_PORT"), s.name + " declares quarkus.http.port");
        }
        assertTrue(code.service("embed-service").orElseThrow().acceptsEnv("FRESHRAG_EMBEDDING_TARGET"));
        // the libraries' sources are scanned too, wherever their folders are
        Modules modules = Modules.of(code.root);
        assertTrue(code.service("embed-service").orElseThrow().moduleDirs.containsAll(
                List.of(modules.dir("freshrag-events"), modules.dir("freshrag-embedding"), modules.dir("freshrag-index-select"))));
        assertTrue(code.service("query-service").orElseThrow().moduleDirs.contains(modules.dir("freshrag-security")));
        assertFalse(code.service("ingest-service").orElseThrow().acceptsEnv("FRESHRAG_EMBEDDING_TARGET"));
        // pending settings in use, for the record
        for (String overlay : List.of("dev", "prod")) {
            Rendered r = Rendered.overlay(overlay);
            for (ServiceModule s : code.services) {
                r.workload(s.name).ifPresent(w -> {
                    for (Map.Entry<String, Rendered.EnvValue> e : r.env(Rendered.mainContainer(w)).entrySet()) {
                        if (!s.acceptsEnv(e.getKey()) && Pending.anyExcuses(s, e.getKey())) {
                            System.out.println("[deploy-tests] " + overlay + " " + s.name + ": " + e.getKey() + " is set ahead of its feature (Pending)");
                        }
                    }
                });
            }
        }
    }
}
