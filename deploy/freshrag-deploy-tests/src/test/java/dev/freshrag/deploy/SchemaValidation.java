package dev.freshrag.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.apache.kafka.storage.internals.log.LogConfig;

/**
 * Validates rendered objects against real schemas, offline: core Kubernetes objects against fabric8's typed model,
 * Strimzi resources against the CRDs of a Strimzi release (served versions, structural schema), Kafka `config` keys against Kafka's own ConfigDefs, KEDA Kafka trigger metadata against KEDA's docs.
 * fabric8's model keeps unknown JSON fields in `additionalProperties` instead of failing, so every deserialised
 * object is walked and any such field is reported as a misspelling.
 */
final class SchemaValidation {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** API groups served by operators whose schemas are validated by the other methods here. */
    private static final Set<String> CUSTOM_GROUPS = Set.of("kafka.strimzi.io", "keda.sh");

    /** The Strimzi kinds the manifests use, with the CRD of the Strimzi release the tests pin (test resources). */
    static final Map<String, CrdSchema> STRIMZI_CRDS = Map.of(
            "Kafka", CrdSchema.resource("/strimzi-crds/040-Crd-kafka.yaml"),
            "KafkaTopic", CrdSchema.resource("/strimzi-crds/043-Crd-kafkatopic.yaml"),
            "KafkaNodePool", CrdSchema.resource("/strimzi-crds/045-Crd-kafkanodepool.yaml"),
            "KafkaConnect", CrdSchema.resource("/strimzi-crds/041-Crd-kafkaconnect.yaml"),
            "KafkaConnector", CrdSchema.resource("/strimzi-crds/047-Crd-kafkaconnector.yaml"));

    /**
     * KEDA's `kafka` scaler metadata (keda.sh docs, "Apache Kafka" scaler, 2.x): the parameters it reads. Anything
     * else is ignored by KEDA, so a misspelt `lagThreshold` would silently fall back to the default of 10.
     */
    static final Set<String> KEDA_KAFKA_METADATA = Set.of("bootstrapServers", "bootstrapServersFromEnv", "consumerGroup",
            "consumerGroupFromEnv", "topic", "topicFromEnv", "lagThreshold", "activationLagThreshold", "offsetResetPolicy",
            "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "excludePersistentLag", "version", "partitionLimitation",
            "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "sasl", "tls", "unsafeSsl");
    /** The fields of a KEDA ScaledObject spec (keda.sh/v1alpha1) and of one trigger. */
    static final Set<String> KEDA_SCALED_OBJECT_SPEC = Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod",
            "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers");
    static final Set<String> KEDA_TRIGGER = Set.of("type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics");
    static final Set<String> KEDA_ADVANCED = Set.of("restoreToOriginalReplicaCount", "horizontalPodAutoscalerConfig", "scalingModifiers");
    static final Set<String> KEDA_HPA_CONFIG = Set.of("name", "behavior");

    private SchemaValidation() {
    }

    /** Every object outside the operators' groups as fabric8's typed model: known apiVersion/kind, no unknown field. */
    static List<String> core(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> o : r.objects) {
            String apiVersion = String.valueOf(o.get("apiVersion"));
            if (CUSTOM_GROUPS.contains(group(apiVersion))) {
                continue;
            }
            String id = o.get("kind") + " " + Rendered.name(o);
            try {
                KubernetesResource typed = MAPPER.convertValue(o, KubernetesResource.class);
                if (typed instanceof GenericKubernetesResource) {
                    problems.add(id + ": " + apiVersion + " " + o.get("kind") + " has no typed Kubernetes model (wrong apiVersion or kind?)");
                    continue;
                }
                unknownFields(typed, id, problems);
            } catch (IllegalArgumentException e) {
                problems.add(id + ": does not fit the Kubernetes model: " + e.getMessage());
            }
        }
        return problems;
    }

    /** Strimzi resources against Strimzi's CRDs: a version the CRD serves, and what its structural schema admits. */
    static List<String> strimzi(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> o : r.objects) {
            if (!"kafka.strimzi.io".equals(group(String.valueOf(o.get("apiVersion"))))) {
                continue;
            }
            CrdSchema crd = STRIMZI_CRDS.get(String.valueOf(o.get("kind")));
            if (crd == null) {
                problems.add(o.get("kind") + " " + Rendered.name(o) + ": not a Strimzi kind these tests know (" + STRIMZI_CRDS.keySet() + ")");
            } else {
                problems.addAll(crd.validate(o));
            }
        }
        return problems;
    }

    /** Broker `config` keys of the Kafka resource and topic `config` keys of each KafkaTopic, against Kafka's ConfigDefs. */
    static List<String> kafkaConfig(Rendered r) {
        List<String> problems = new ArrayList<>();
        Set<String> broker = AbstractKafkaConfig.CONFIG_DEF.names();
        Set<String> topic = Set.copyOf(LogConfig.configNames());
        for (Map<String, Object> k : r.ofKind("Kafka")) {
            for (String key : Yml.map(k, "spec", "kafka", "config").keySet()) {
                if (!broker.contains(key)) {
                    problems.add("Kafka " + Rendered.name(k) + ": config " + key + " is not a Kafka broker config");
                }
            }
        }
        for (Map<String, Object> t : r.ofKind("KafkaTopic")) {
            for (String key : Yml.map(t, "spec", "config").keySet()) {
                if (!topic.contains(key)) {
                    problems.add("KafkaTopic " + Rendered.name(t) + ": config " + key + " is not a Kafka topic config");
                }
            }
        }
        return problems;
    }

    /** KEDA ScaledObjects: spec fields, trigger fields and the Kafka scaler's metadata against KEDA's documented names. */
    static List<String> keda(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> so : r.ofKind("ScaledObject")) {
            String id = "ScaledObject " + Rendered.name(so);
            if (!"keda.sh/v1alpha1".equals(so.get("apiVersion"))) {
                problems.add(id + ": apiVersion " + so.get("apiVersion") + " is not keda.sh/v1alpha1");
            }
            allowed(id + " spec", Yml.map(so, "spec").keySet(), KEDA_SCALED_OBJECT_SPEC, problems);
            allowed(id + " spec.advanced", Yml.map(so, "spec", "advanced").keySet(), KEDA_ADVANCED, problems);
            allowed(id + " spec.advanced.horizontalPodAutoscalerConfig",
                    Yml.map(so, "spec", "advanced", "horizontalPodAutoscalerConfig").keySet(), KEDA_HPA_CONFIG, problems);
            Object behavior = Yml.at(so, "spec", "advanced", "horizontalPodAutoscalerConfig", "behavior");
            if (behavior != null) {
                try {
                    unknownFields(MAPPER.convertValue(behavior, io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior.class),
                            id + " HPA behavior", problems);
                } catch (IllegalArgumentException e) {
                    problems.add(id + ": HPA behavior does not fit autoscaling/v2: " + e.getMessage());
                }
            }
            for (Map<String, Object> t : Yml.maps(so, "spec", "triggers")) {
                allowed(id + " trigger", t.keySet(), KEDA_TRIGGER, problems);
                if ("kafka".equals(t.get("type"))) {
                    allowed(id + " kafka trigger metadata", Yml.map(t, "metadata").keySet(), KEDA_KAFKA_METADATA, problems);
                }
            }
        }
        return problems;
    }

    private static void allowed(String where, Collection<String> keys, Set<String> allowed, List<String> problems) {
        for (String k : keys) {
            if (!allowed.contains(k)) {
                problems.add(where + ": unknown field " + k);
            }
        }
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Walks a typed model object and reports every field the model did not know (kept in additionalProperties). */
    static void unknownFields(Object root, String id, List<String> problems) {
        walk(root, "", id, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void walk(Object o, String path, String id, List<String> problems, Set<Object> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) {
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, id, problems, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", id, problems, seen);
            }
            return;
        }
        String cls = o.getClass().getName();
        if (!(cls.startsWith("io.fabric8.kubernetes.api.model")) || !seen.add(o)) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = m.getName();
            if (name.equals("getAdditionalProperties")) {
                Object extra = invoke(m, o);
                if (extra instanceof Map<?, ?> ap && !ap.isEmpty()) {
                    problems.add(id + ": unknown field(s) " + ap.keySet() + " at " + (path.isEmpty() ? "the top" : path.substring(1)));
                }
            } else if (name.startsWith("get") && name.length() > 3) {
                String prop = Character.toLowerCase(name.charAt(3)) + name.substring(4);
                walk(invoke(m, o), path + "." + prop, id, problems, seen);
            }
        }
    }

    private static Object invoke(Method m, Object o) {
        try {
            return m.invoke(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a computed getter that does not apply to this object: not a field
        }
    }
}
