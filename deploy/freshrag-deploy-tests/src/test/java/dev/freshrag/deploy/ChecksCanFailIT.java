package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each check must be able to fail: a copy of a rendered overlay, broken in one way, must make the check report a
 * problem that names what broke. (The real overlays passing is OverlayConsistencyIT.)
 */
class ChecksCanFailIT {

    private static final Code CODE = Code.get();

    /** Breaks a copy of the overlay and expects the check to report a problem containing every fragment. */
    private static void breaks(String overlay, Consumer<Rendered> breakIt, Function<Rendered, List<String>> check, String... fragments) {
        Rendered r = Rendered.overlay(overlay);
        assertTrue(check.apply(r).isEmpty(), "the real " + overlay + " overlay passes this check: " + check.apply(r));
        Rendered broken = r.mutate();
        breakIt.accept(broken);
        List<String> problems = check.apply(broken);
        assertFalse(problems.isEmpty(), "the broken copy must fail the check");
        String all = String.join("\n", problems);
        for (String f : fragments) {
            assertTrue(all.contains(f), "a problem names '" + f + "': " + all);
        }
    }

    // ------------------------------------------------------------------------------------------ mutation helpers

    private static Map<String, Object> obj(Rendered r, String kind, String name) {
        return r.ofKind(kind).stream().filter(o -> Rendered.name(o).equals(name) || Rendered.name(o).startsWith(name + "-"))
                .filter(o -> !kind.equals("ConfigMap") || Rendered.name(o).matches(java.util.regex.Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static Map<String, Object> container(Rendered r, String app) {
        return Rendered.mainContainer(r.workload(app).orElseThrow());
    }

    private static void remove(Rendered r, String kind, String name) {
        r.objects.remove(obj(r, kind, name));
    }

    private static void setConfig(Rendered r, String configMap, String key, String value) {
        Map<String, Object> data = Yml.map(obj(r, "ConfigMap", configMap), "data");
        if (value == null) {
            data.remove(key);
        } else {
            data.put(key, value);
        }
    }

    private static void setEnv(Map<String, Object> container, String name, Object value) {
        List<Object> env = new ArrayList<>(Yml.list(container, "env"));
        env.removeIf(e -> name.equals(Yml.str(e, "name")));
        if (value != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", name);
            if (value instanceof Map<?, ?> m) {
                e.put("valueFrom", m);
            } else {
                e.put("value", value);
            }
            env.add(e);
        }
        container.put("env", env);
    }

    private static Map<String, Object> secretRef(String name, String key) {
        return Map.of("secretKeyRef", Map.of("name", name, "key", key));
    }

    // ------------------------------------------------------------------------------------------ topics

    @Test
    void aMissingTopicFails() {
        breaks("prod", r -> remove(r, "KafkaTopic", "kb.dlq"), DeployChecks::topics, "kb.dlq");
    }

    @Test
    void aTenantConfigTopicThatIsNotCompactedFails() {
        breaks("prod", r -> Yml.map(obj(r, "KafkaTopic", "kb.tenant-config"), "spec", "config").put("cleanup.policy", "delete"),
                DeployChecks::topics, "kb.tenant-config", "cleanup.policy");
    }

    @Test
    void aSmallerMaxMessageBytesFails() {
        breaks("prod", r -> Yml.map(obj(r, "KafkaTopic", "kb.chunk-ops"), "spec", "config").put("max.message.bytes", 1048576),
                DeployChecks::topics, "kb.chunk-ops", "max.message.bytes");
    }

    @Test
    void chunkOpsWithFewerPartitionsThanDocChangesFails() {
        breaks("prod", r -> Yml.map(obj(r, "KafkaTopic", "kb.chunk-ops"), "spec").put("partitions", 3), DeployChecks::topics, "kb.chunk-ops", "partitions");
    }

    @Test
    void aStrayTopicFails() {
        breaks("prod", r -> {
            Map<String, Object> t = Yml.copy(obj(r, "KafkaTopic", "kb.dlq"));
            Yml.map(t, "metadata").put("name", "kb.extra");
            Yml.map(t, "spec").put("topicName", "kb.extra");
            r.objects.add(t);
        }, DeployChecks::topics, "kb.extra");
    }

    @Test
    void aBrokerMessageLimitBelowTheTopicsFails() {
        breaks("prod", r -> Yml.map(r.ofKind("Kafka").get(0), "spec", "kafka", "config").put("message.max.bytes", 1048588),
                DeployChecks::topics, "message.max.bytes");
    }

    @Test
    void aSingleBrokerWithDefaultReplicationFails() {
        breaks("dev", r -> Yml.map(r.ofKind("Kafka").get(0), "spec", "kafka", "config").remove("transaction.state.log.replication.factor"),
                DeployChecks::topics, "transaction.state.log.replication.factor");
    }

    @Test
    void moreTopicReplicasThanBrokersFails() {
        breaks("dev", r -> Yml.map(obj(r, "KafkaTopic", "kb.doc-changes"), "spec").put("replicas", 3), DeployChecks::topics, "kb.doc-changes", "replicas");
    }

    @Test
    void aTopicNameOverrideWithoutItsKafkaTopicFails() {
        breaks("prod", r -> setConfig(r, "embed-service-config", "FRESHRAG_TOPICS_CHUNK_OPS", "kb.chunk-ops-v2"),
                rr -> DeployChecks.configuredTopics(rr, CODE), "kb.chunk-ops-v2");
    }

    // ------------------------------------------------------------------------------------------ probes, resources

    @Test
    void aLivenessProbeOffTheHealthEndpointFails() {
        breaks("prod", r -> Yml.map(container(r, "ingest-service"), "livenessProbe", "httpGet").put("path", "/q/health"),
                rr -> DeployChecks.probesAndMetrics(rr, CODE), "ingest-service", "livenessProbe", "/q/health/live");
    }

    @Test
    void aReadinessProbeOnAnotherPortFails() {
        breaks("prod", r -> Yml.map(container(r, "query-service"), "readinessProbe", "httpGet").put("port", 8080),
                rr -> DeployChecks.probesAndMetrics(rr, CODE), "query-service", "readinessProbe", "8080");
    }

    @Test
    void aWrongMetricsPathFails() {
        breaks("prod", r -> Yml.map(r.workload("embed-service").orElseThrow(), "spec", "template", "metadata", "annotations").put("prometheus.io/path", "/metrics"),
                rr -> DeployChecks.probesAndMetrics(rr, CODE), "embed-service", "/q/metrics");
    }

    @Test
    void aServiceWithoutAWorkloadFails() {
        breaks("prod", r -> r.objects.remove(r.workload("query-service").orElseThrow()), rr -> DeployChecks.probesAndMetrics(rr, CODE), "query-service");
    }

    @Test
    void aContainerWithoutLimitsOrWithLatestFails() {
        breaks("prod", r -> {
            Yml.map(container(r, "qdrant"), "resources").remove("limits");
            container(r, "vllm").put("image", "vllm/vllm-openai:latest");
        }, DeployChecks::resourcesAndImages, "qdrant", "limits", "vllm-openai:latest");
    }

    // ------------------------------------------------------------------------------------------ configuration

    @Test
    void aMisspelledFreshragKeyFails() {
        breaks("prod", r -> setConfig(r, "embed-service-config", "FRESHRAG_EMBEDDING_MAX_BATCH", "64"),
                rr -> DeployChecks.configKeys(rr, CODE), "embed-service", "FRESHRAG_EMBEDDING_MAX_BATCH");
    }

    @Test
    void aKeyOfAnotherServiceFails() {
        breaks("dev", r -> setConfig(r, "ingest-service-config", "FRESHRAG_EMBEDDING_TARGET", "cuda"),
                rr -> DeployChecks.configKeys(rr, CODE), "ingest-service", "FRESHRAG_EMBEDDING_TARGET");
    }

    @Test
    void anUnknownNonFreshragKeyFails() {
        breaks("dev", r -> setConfig(r, "freshrag-common", "KAFKA_BOOTSTRAP_SERVER", "freshrag-kafka-bootstrap:9092"),
                rr -> DeployChecks.configKeys(rr, CODE), "KAFKA_BOOTSTRAP_SERVER ");
    }

    @Test
    void aLocalhostDefaultLeftInPlaceFails() {
        breaks("prod", r -> setConfig(r, "freshrag-common", "KAFKA_BOOTSTRAP_SERVERS", null),
                rr -> DeployChecks.configKeys(rr, CODE), "kafka.bootstrap.servers=localhost:9092");
    }

    @Test
    void secretsThroughEnvFromFail() {
        breaks("prod", r -> {
            List<Object> from = new ArrayList<>(Yml.list(container(r, "query-service"), "envFrom"));
            from.add(Map.of("secretRef", Map.of("name", "everything")));
            container(r, "query-service").put("envFrom", from);
        }, rr -> DeployChecks.configKeys(rr, CODE), "envFrom secret everything");
    }

    @Test
    void aPathOutsideEveryMountFails() {
        breaks("prod", r -> setConfig(r, "ingest-service-config", "KAFKA_STREAMS_STATE_DIR", "/var/lib/elsewhere"),
                rr -> DeployChecks.configKeys(rr, CODE), "KAFKA_STREAMS_STATE_DIR", "/var/lib/elsewhere");
    }

    @Test
    void differentEmbeddingVariantsFail() {
        breaks("prod", r -> setConfig(r, "query-service-config", "FRESHRAG_EMBEDDING_VARIANT", "int8"),
                rr -> DeployChecks.configKeys(rr, CODE), "freshrag.embedding.variant");
    }

    @Test
    void differentEmbeddingModelsFail() {
        // the ingest chunks to the model's token limit and the query-service embeds queries with it: one model for all
        breaks("prod", r -> setConfig(r, "query-service-config", "FRESHRAG_EMBEDDING_MODEL", "bge-small-en-v1.5"),
                rr -> DeployChecks.configKeys(rr, CODE), "freshrag.embedding.model");
    }

    @Test
    void servicesOnDifferentIndexesFail() {
        breaks("prod", r -> setConfig(r, "embed-service-config", "FRESHRAG_INDEX_QDRANT_REPLICATION_FACTOR", "3"),
                rr -> DeployChecks.configKeys(rr, CODE), "freshrag.index.qdrant.replication-factor");
    }

    @Test
    void aLocalhostDefaultOfAMappingLeftInPlaceFails() {
        breaks("prod", r -> setConfig(r, "query-service-config", "FRESHRAG_INDEX_QDRANT_HOST", null),
                rr -> DeployChecks.configKeys(rr, CODE), "freshrag.index.qdrant.host defaults to localhost");
    }

    @Test
    void aPendingPrefixIsStrictOnceTheFeatureHasAProperty() {
        ServiceModule embed = CODE.service("embed-service").orElseThrow();
        // embed-service has freshrag.embedding.* properties: a pending entry for them excuses nothing
        assertFalse(new Pending("embed-service", "FRESHRAG_EMBEDDING_", "test").excuses(embed, "FRESHRAG_EMBEDDING_TYPO"));
        assertFalse(new Pending("query-service", "FRESHRAG_NEW_", "test").excuses(embed, "FRESHRAG_NEW_THING"),
                "an entry excuses only its own service");
        assertTrue(new Pending("embed-service", "FRESHRAG_NEW_", "test").excuses(embed, "FRESHRAG_NEW_THING"),
                "and excuses keys of a feature the service does not have yet");
    }

    // ------------------------------------------------------------------------------------------ wiring, secrets

    @Test
    void qdrantOnItsRestPortFails() {
        breaks("prod", r -> setConfig(r, "query-service-config", "FRESHRAG_INDEX_QDRANT_PORT", "6333"),
                rr -> DeployChecks.wiring(rr, CODE), "query-service", "gRPC");
    }

    @Test
    void aTeiModelOtherThanTheServicesFails() {
        breaks("prod-tei", r -> setConfig(r, "query-service-config", "FRESHRAG_EMBEDDING_REMOTE_MODEL", "BAAI/bge-small-en-v1.5"),
                r -> DeployChecks.remoteEmbedding(r, CODE, true), "BAAI/bge-small-en-v1.5", "--model-id=sentence-transformers/all-MiniLM-L6-v2",
                "embed differently");
    }

    @Test
    void aTeiWithoutAGpuFails() {
        breaks("prod-tei", r -> {
            Map<String, Object> c = container(r, "tei");
            Yml.map(c, "resources", "limits").remove("nvidia.com/gpu");
            Rendered.podSpec(r.workload("tei").orElseThrow()).remove("tolerations");
        }, r -> DeployChecks.remoteEmbedding(r, CODE, true), "no nvidia.com/gpu limit", "does not tolerate");
    }

    @Test
    void servicesWithoutEgressToTeiFail() {
        breaks("prod-tei", r -> remove(r, "NetworkPolicy", "egress-tei"),
                r -> DeployChecks.remoteEmbedding(r, CODE, true), "embed-service may not open connections", "query-service may not open");
    }

    @Test
    void aTeiOpenToOtherPodsFails() {
        breaks("prod-tei", r -> Yml.maps(obj(r, "NetworkPolicy", "tei"), "spec", "ingress").get(0).remove("from"),
                r -> DeployChecks.networkPolicies(r, CODE), "the embedding server");
    }

    @Test
    void aTeiKeyFromAnotherSecretFails() {
        breaks("prod-tei", r -> setEnv(container(r, "embed-service"), "FRESHRAG_EMBEDDING_REMOTE_API_KEY", secretRef("vllm-api-key", "api-key")),
                r -> DeployChecks.remoteEmbedding(r, CODE, true), "FRESHRAG_EMBEDDING_REMOTE_API_KEY must come from Secret tei-api-key");
    }

    @Test
    void requestsLargerThanTeisBatchesFail() {
        breaks("prod-tei", r -> setConfig(r, "embed-service-config", "FRESHRAG_EMBEDDING_REMOTE_BATCH_TOKENS", "32768"),
                r -> DeployChecks.remoteEmbedding(r, CODE, true), "--max-batch-tokens=16384");
    }

    @Test
    void aModelVllmDoesNotServeFails() {
        breaks("prod", r -> setConfig(r, "query-service-config", "FRESHRAG_LLM_MODEL", "Qwen/Qwen2.5-72B-Instruct"),
                rr -> DeployChecks.wiring(rr, CODE), "FRESHRAG_LLM_MODEL=Qwen/Qwen2.5-72B-Instruct");
    }

    @Test
    void anLlmUrlToNowhereFails() {
        breaks("dev", r -> setConfig(r, "query-service-config", "FRESHRAG_LLM_BASE_URL", "http://vllm:8080/v1"),
                rr -> DeployChecks.wiring(rr, CODE), "FRESHRAG_LLM_BASE_URL");
    }

    @Test
    void aWrongKafkaBootstrapFails() {
        breaks("prod", r -> setConfig(r, "freshrag-common", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
                rr -> DeployChecks.wiring(rr, CODE), "KAFKA_BOOTSTRAP_SERVERS", "kafka is not the bootstrap Service");
    }

    @Test
    void anApiKeyFromAnotherSecretFails() {
        breaks("prod", r -> setEnv(container(r, "embed-service"), "FRESHRAG_INDEX_QDRANT_API_KEY", secretRef("qdrant-key", "api-key")),
                rr -> DeployChecks.wiring(rr, CODE), "FRESHRAG_INDEX_QDRANT_API_KEY", "qdrant-api-key");
    }

    @Test
    void anUndocumentedSecretFails() {
        breaks("prod", r -> setEnv(container(r, "query-service"), "FRESHRAG_LLM_API_KEY", secretRef("llm-key", "api-key")),
                rr -> DeployChecks.secrets(rr, CODE), "llm-key");
    }

    // ------------------------------------------------------------------------------------------ network policies

    @Test
    void withoutDefaultDenyFails() {
        breaks("prod", r -> remove(r, "NetworkPolicy", "default-deny-ingress"), rr -> DeployChecks.networkPolicies(rr, CODE), "default-deny");
    }

    @Test
    void theIngestServiceReachingQdrantFails() {
        breaks("prod", r -> {
            Map<String, Object> rule = Yml.maps(obj(r, "NetworkPolicy", "qdrant"), "spec", "ingress").get(0);
            List<Object> from = new ArrayList<>(Yml.list(rule, "from"));
            from.add(Map.of("podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "ingest-service"))));
            rule.put("from", from);
        }, rr -> DeployChecks.networkPolicies(rr, CODE), "Qdrant", "ingest-service");
    }

    @Test
    void anLlmOpenToTheWholeNamespaceFails() {
        breaks("prod", r -> Yml.maps(obj(r, "NetworkPolicy", "vllm"), "spec", "ingress").get(0).remove("from"),
                rr -> DeployChecks.networkPolicies(rr, CODE), "the LLM");
    }

    @Test
    void theQueryServiceShutOutOfTheLlmFails() {
        breaks("prod", r -> Yml.list(obj(r, "NetworkPolicy", "vllm"), "spec", "ingress").remove(0),
                rr -> DeployChecks.networkPolicies(rr, CODE), "the LLM", "query-service");
    }

    @Test
    void theEmbedServiceShutOutOfKafkaFails() {
        breaks("prod", r -> Yml.list(r.ofKind("Kafka").get(0), "spec", "kafka", "listeners").forEach(l ->
                        Yml.list(l, "networkPolicyPeers").removeIf(p -> "embed-service".equals(Yml.str(p, "podSelector", "matchLabels", "app.kubernetes.io/name")))),
                rr -> DeployChecks.networkPolicies(rr, CODE), "Kafka listener", "embed-service");
    }

    @Test
    void kedaShutOutOfKafkaFails() {
        breaks("prod", r -> Yml.list(r.ofKind("Kafka").get(0), "spec", "kafka", "listeners").forEach(l ->
                        Yml.list(l, "networkPolicyPeers").removeIf(p -> Yml.at(p, "namespaceSelector") != null)),
                rr -> DeployChecks.networkPolicies(rr, CODE), "KEDA");
    }

    @Test
    void prometheusShutOutFails() {
        breaks("prod", r -> remove(r, "NetworkPolicy", "allow-prometheus-services"), rr -> DeployChecks.networkPolicies(rr, CODE), "Prometheus", "embed-service");
    }

    @Test
    void aClosedApiFails() {
        breaks("prod", r -> remove(r, "NetworkPolicy", "allow-http-api"), rr -> DeployChecks.networkPolicies(rr, CODE), "ingest-service", "query-service");
    }

    @Test
    void metricsOpenToEveryNamespaceFails() {
        breaks("prod", r -> Yml.maps(r.find("NetworkPolicy", "allow-http-api").orElseThrow(), "spec", "ingress").get(0)
                        .put("ports", List.of(Map.of("port", 8080, "protocol", "TCP"), Map.of("port", 9000, "protocol", "TCP"))),
                rr -> DeployChecks.networkPolicies(rr, CODE), "query-service serves health and metrics on 9000");
    }

    /** Breaks a copy of the monitoring targets and expects {@link DeployChecks#podMonitors} to name the fault. */
    private static void monitorBreaks(Consumer<Rendered> breakIt, String... fragments) {
        Rendered prod = Rendered.overlay("prod");
        assertTrue(DeployChecks.podMonitors(Rendered.monitoring(), prod, CODE).isEmpty(), "the real monitoring targets pass");
        Rendered broken = Rendered.monitoring().mutate();
        breakIt.accept(broken);
        String all = String.join("\n", DeployChecks.podMonitors(broken, prod, CODE));
        for (String f : fragments) {
            assertTrue(all.contains(f), "a problem names '" + f + "': " + all);
        }
    }

    @Test
    void aPodMonitorOnAMisspelledPortFails() {
        monitorBreaks(m -> Yml.maps(obj(m, "PodMonitor", "qdrant"), "spec", "podMetricsEndpoints").get(0).put("port", "htpp"),
                "PodMonitor qdrant scrapes port htpp");
    }

    @Test
    void aPodMonitorWithAKeyTheServerDoesNotReadFails() {
        monitorBreaks(m -> Yml.map(Yml.maps(obj(m, "PodMonitor", "qdrant"), "spec", "podMetricsEndpoints").get(0), "authorization", "credentials")
                .put("name", "vllm-api-key"), "sends Secret vllm-api-key");
    }

    @Test
    void aPodMonitorPrometheusMayNotReachFails() {
        monitorBreaks(m -> Yml.maps(obj(m, "PodMonitor", "freshrag-services"), "spec", "podMetricsEndpoints").get(0).put("port", "http"),
                "scrapes Deployment/embed-service on 8080 but Prometheus");
    }

    // ------------------------------------------------------------------------------------------ scaling, GPUs

    @Test
    void moreReplicasThanPartitionsFails() {
        breaks("prod", r -> Yml.map(r.ofKind("ScaledObject").get(0), "spec").put("maxReplicaCount", 12),
                rr -> DeployChecks.scaling(rr, CODE), "maxReplicaCount 12", "kb.chunk-ops");
    }

    @Test
    void anotherConsumerGroupFails() {
        breaks("prod", r -> Yml.maps(r.ofKind("ScaledObject").get(0), "spec", "triggers").get(0).put("metadata",
                        new LinkedHashMap<>(Map.of("topic", "kb.chunk-ops", "consumerGroup", "embed", "bootstrapServers", "freshrag-kafka-bootstrap.freshrag.svc:9092"))),
                rr -> DeployChecks.scaling(rr, CODE), "freshrag-embed");
    }

    @Test
    void aBootstrapKedaCannotResolveFails() {
        breaks("prod", r -> Yml.map(Yml.maps(r.ofKind("ScaledObject").get(0), "spec", "triggers").get(0), "metadata")
                .put("bootstrapServers", "freshrag-kafka-bootstrap:9092"), rr -> DeployChecks.scaling(rr, CODE), "bootstrapServers");
    }

    @Test
    void aReplicaCountBesideKedaFails() {
        breaks("prod", r -> Yml.map(r.workload("embed-service").orElseThrow(), "spec").put("replicas", 2),
                rr -> DeployChecks.scaling(rr, CODE), "spec.replicas");
    }

    @Test
    void embeddingOffTheGpuFails() {
        breaks("prod", r -> {
            Yml.map(container(r, "embed-service"), "resources", "limits").remove("nvidia.com/gpu");
            Rendered.podSpec(r.workload("embed-service").orElseThrow()).remove("tolerations");
            container(r, "embed-service").put("image", "freshrag/embed-service:" + CODE.imageTag);
        }, rr -> DeployChecks.gpu(rr, CODE, true), "nvidia.com/gpu limit", "taint", "-gpu");
    }

    @Test
    void aGpuEmbedderNotToldToUseCudaFails() {
        breaks("prod", r -> setConfig(r, "embed-service-config", "FRESHRAG_EMBEDDING_TARGET", "auto"),
                rr -> DeployChecks.gpu(rr, CODE, true), "FRESHRAG_EMBEDDING_TARGET");
    }

    @Test
    void vllmWithoutLoraFails() {
        breaks("dev", r -> {
            container(r, "vllm").put("args", List.of("--model=Qwen/Qwen2.5-0.5B-Instruct"));
            setEnv(container(r, "vllm"), "VLLM_ALLOW_RUNTIME_LORA_UPDATING", null);
        }, rr -> DeployChecks.gpu(rr, CODE, false), "--enable-lora", "--max-loras", "VLLM_ALLOW_RUNTIME_LORA_UPDATING");
    }

    @Test
    void anUnhardenedPodFails() {
        breaks("prod", r -> {
            Rendered.podSpec(r.workload("query-service").orElseThrow()).remove("automountServiceAccountToken");
            Yml.map(container(r, "qdrant"), "securityContext").remove("capabilities");
            Yml.map(container(r, "ingest-service"), "livenessProbe").remove("timeoutSeconds");
        }, DeployChecks::hardening, "query-service mounts a service-account token", "qdrant does not drop ALL", "livenessProbe times out after the default 1 s");
    }

    @Test
    void aQuorumSpreadOnlyByPreferenceFails() {
        breaks("prod", r -> {
            Map<String, Object> pod = Yml.map(obj(r, "KafkaNodePool", "controllers"), "spec", "template", "pod");
            Yml.maps(pod, "topologySpreadConstraints").forEach(c -> c.put("whenUnsatisfiable", "ScheduleAnyway"));
            Yml.map(obj(r, "Kafka", "freshrag"), "spec", "kafka").remove("rack");
        }, DeployChecks::quorumSpread, "KafkaNodePool controllers only prefers", "no rack");
    }

    @Test
    void aSnapshotImageInProdFails() {
        breaks("prod", r -> container(r, "query-service").put("image", "freshrag/query-service:" + CODE.imageTag),
                DeployChecks::releaseImages, "query-service", "SNAPSHOT");
    }

    @Test
    void aServiceEnvironmentVariableThatIsNoPropertyStillFailsBesideJavaToolOptions() {
        breaks("prod", r -> setEnv(container(r, "ingest-service"), "JAVA_TOOL_OPTION", "-Xmx1g"),
                rr -> DeployChecks.configKeys(rr, CODE), "JAVA_TOOL_OPTION");
    }

    @Test
    void anImageTagThatIsNotTheBuildsFails() {
        breaks("dev", r -> container(r, "query-service").put("image", "freshrag/query-service:0.0.9"),
                rr -> DeployChecks.gpu(rr, CODE, false), "query-service", CODE.imageTag);
    }

    // ------------------------------------------------------------------------------------------ replicas

    @Test
    void theOverlaysAreNotInterchangeable() {
        assertFalse(DeployChecks.singleReplicas(Rendered.overlay("prod")).isEmpty(), "prod is not a single-replica deployment");
        assertFalse(DeployChecks.highAvailability(Rendered.overlay("dev"), CODE).isEmpty(), "dev is not highly available");
        assertFalse(DeployChecks.gpu(Rendered.overlay("dev"), CODE, true).isEmpty(), "dev does not embed on GPUs");
        assertFalse(DeployChecks.gpu(Rendered.overlay("prod"), CODE, false).isEmpty(), "prod does");
    }

    @Test
    void aSingleQueryReplicaWithoutBudgetOrSpreadFails() {
        breaks("prod", r -> {
            Yml.map(r.workload("query-service").orElseThrow(), "spec").put("replicas", 1);
            remove(r, "PodDisruptionBudget", "query-service");
            Rendered.podSpec(r.workload("query-service").orElseThrow()).remove("affinity");
        }, rr -> DeployChecks.highAvailability(rr, CODE), "query-service runs 1", "query-service has no PodDisruptionBudget", "podAntiAffinity");
    }
}
