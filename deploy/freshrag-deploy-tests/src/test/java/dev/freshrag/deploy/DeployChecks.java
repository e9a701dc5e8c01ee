package dev.freshrag.deploy;

import dev.freshrag.events.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The consistency checks between a rendered overlay and the code. Each returns the problems it found (empty:
 * consistent), so that a test can assert both that the real manifests pass and that a broken copy fails.
 */
final class DeployChecks {

    /**
     * Settings that must have the same effective value in every service that declares them: the index (the
     * embed-service writes what the query-service reads), the topics (one service's output is another's input)
     * and the embedding model variant (chunks and queries must be embedded alike).
     */
    static final List<String> MUST_AGREE = List.of("freshrag.index.", "freshrag.topics.", "freshrag.embedding.variant",
            "freshrag.embedding.model");

    private DeployChecks() {
    }

    // ============================================================================================ topics

    static List<String> topics(Rendered r) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> kafkas = r.ofKind("Kafka");
        if (kafkas.size() != 1) {
            problems.add("expected one Strimzi Kafka, found " + kafkas.size());
            return problems;
        }
        Map<String, Object> kafka = kafkas.get(0);
        String cluster = Rendered.name(kafka);
        problems.addAll(StrimziSupport.check(kafka));
        int brokers = 0;
        int controllers = 0;
        for (Map<String, Object> pool : r.ofKind("KafkaNodePool")) {
            if (!cluster.equals(Yml.str(pool, "metadata", "labels", "strimzi.io/cluster"))) {
                problems.add("KafkaNodePool " + Rendered.name(pool) + " is not labelled strimzi.io/cluster: " + cluster);
                continue;
            }
            int n = Integer.parseInt(Objects.requireNonNullElse(Yml.str(pool, "spec", "replicas"), "0"));
            List<Object> roles = Yml.list(pool, "spec", "roles");
            brokers += roles.contains("broker") ? n : 0;
            controllers += roles.contains("controller") ? n : 0;
        }
        if (brokers == 0 || controllers == 0) {
            problems.add("the node pools give " + brokers + " brokers and " + controllers + " controllers; KRaft needs both");
        }

        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Map<String, Object> t : r.ofKind("KafkaTopic")) {
            String name = Objects.requireNonNullElse(Yml.str(t, "spec", "topicName"), Rendered.name(t));
            byName.put(name, t);
            if (!cluster.equals(Yml.str(t, "metadata", "labels", "strimzi.io/cluster"))) {
                problems.add("KafkaTopic " + name + " is not labelled strimzi.io/cluster: " + cluster + " (the Topic Operator ignores it)");
            }
        }
        Map<String, Object> docChanges = byName.get(Topics.DOC_CHANGES);
        if (docChanges == null) {
            problems.add("no KafkaTopic for " + Topics.DOC_CHANGES);
            return problems;
        }
        int partitions = Integer.parseInt(Yml.str(docChanges, "spec", "partitions"));
        Map<String, String> brokerConfig = Yml.strings(kafka, "spec", "kafka", "config");
        long maxMessage = 0;
        for (Topics.Spec spec : Topics.specs(partitions)) {
            Map<String, Object> t = byName.remove(spec.name());
            if (t == null) {
                problems.add("the code declares topic " + spec.name() + " (Topics.specs) but there is no KafkaTopic for it");
                continue;
            }
            String tp = Yml.str(t, "spec", "partitions");
            if (!String.valueOf(spec.partitions()).equals(tp)) {
                problems.add("KafkaTopic " + spec.name() + " has " + tp + " partitions; Topics.specs(" + partitions + ") says " + spec.partitions());
            }
            Map<String, String> config = Yml.strings(t, "spec", "config");
            spec.config().forEach((k, v) -> {
                if (!v.equals(config.get(k))) {
                    problems.add("KafkaTopic " + spec.name() + " has " + k + "=" + config.get(k) + "; the code says " + v);
                }
            });
            int replicas = Integer.parseInt(Objects.requireNonNullElse(Yml.str(t, "spec", "replicas"), "0"));
            if (replicas < 1 || replicas > brokers) {
                problems.add("KafkaTopic " + spec.name() + " has " + replicas + " replicas with " + brokers + " brokers");
            }
            int minIsr = Integer.parseInt(config.getOrDefault("min.insync.replicas", brokerConfig.getOrDefault("min.insync.replicas", "1")));
            if (minIsr > replicas) {
                problems.add("KafkaTopic " + spec.name() + ": min.insync.replicas " + minIsr + " > replicas " + replicas + " (acks=all writes would fail)");
            }
            maxMessage = Math.max(maxMessage, Long.parseLong(spec.config().getOrDefault("max.message.bytes", "0")));
        }
        // the topics the ingest-service reads through a source mapping (freshrag.sources.debezium.<name>.topic) are the
        // source's, not the code's: they only need to exist and fit the brokers
        int brokerCount = brokers;
        r.workload("ingest-service").ifPresent(w -> r.env(Rendered.mainContainer(w)).forEach((key, value) -> {
            if (key.matches("FRESHRAG_SOURCES_DEBEZIUM_.+_TOPIC") && value.value() != null) {
                Map<String, Object> t = byName.remove(value.value());
                if (t == null) {
                    problems.add("the ingest-service maps topic " + value.value() + " (" + key + ") but there is no KafkaTopic for it");
                } else {
                    int replicas = Integer.parseInt(Objects.requireNonNullElse(Yml.str(t, "spec", "replicas"), "0"));
                    if (replicas < 1 || replicas > brokerCount) {
                        problems.add("KafkaTopic " + value.value() + " has " + replicas + " replicas with " + brokerCount + " brokers");
                    }
                }
            }
        }));
        byName.keySet().forEach(n -> problems.add("KafkaTopic " + n + " is not a topic of the code (Topics.specs)"));

        for (String key : List.of("message.max.bytes", "replica.fetch.max.bytes")) {
            String v = brokerConfig.get(key);
            if (v == null || Long.parseLong(v) < maxMessage) {
                problems.add("Kafka config " + key + "=" + v + " is below the largest topic max.message.bytes " + maxMessage);
            }
        }
        // the internal topics, Kafka Streams' transactions (exactly-once) and the default for its own topics
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor", "transaction.state.log.replication.factor")) {
            int rf = Integer.parseInt(brokerConfig.getOrDefault(key, "3"));
            if (rf > brokers) {
                problems.add("Kafka config " + key + "=" + rf + " (3 when unset) exceeds the " + brokers + " brokers");
            }
        }
        int txIsr = Integer.parseInt(brokerConfig.getOrDefault("transaction.state.log.min.isr", "2"));
        if (txIsr > Integer.parseInt(brokerConfig.getOrDefault("transaction.state.log.replication.factor", "3"))) {
            problems.add("Kafka config transaction.state.log.min.isr exceeds its replication factor");
        }
        return problems;
    }

    /** Every topic name a service is configured with (freshrag.topics.*, env or default) exists as a KafkaTopic. */
    static List<String> configuredTopics(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        Set<String> topics = r.ofKind("KafkaTopic").stream()
                .map(t -> Objects.requireNonNullElse(Yml.str(t, "spec", "topicName"), Rendered.name(t))).collect(Collectors.toSet());
        for (ServiceModule s : code.services) {
            Map<String, Object> c = r.workload(s.name).map(Rendered::mainContainer).orElse(null);
            if (c == null) {
                continue;
            }
            for (MappedProperty p : s.mapped) {
                if (p.name().startsWith("freshrag.topics.") && !p.isPattern()) {
                    String value = Objects.requireNonNullElse(r.envValue(c, MappedProperty.envName(p.name())), p.defaultValue());
                    if (value != null && !topics.contains(value)) {
                        problems.add(s.name + " uses topic " + value + " (" + p.name() + ") but there is no KafkaTopic for it");
                    }
                }
            }
        }
        return problems;
    }

    // ============================================================================================ workloads

    /** Each service has exactly one workload, with probes on its health endpoints and metrics where scraped. */
    static List<String> probesAndMetrics(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        for (ServiceModule s : code.services) {
            Optional<Map<String, Object>> w = r.workload(s.name);
            if (w.isEmpty()) {
                problems.add("service module " + s.name + " has no Deployment or StatefulSet (pods labelled app.kubernetes.io/name=" + s.name + ")");
                continue;
            }
            if (!s.hasDependency("quarkus-smallrye-health")) {
                problems.add(s.name + " probes Quarkus health endpoints but its pom lacks quarkus-smallrye-health");
            }
            Map<String, Object> c = Rendered.mainContainer(w.get());
            // health and metrics: the management port when the service serves them there, else the HTTP port
            int port = healthPort(r, c, s);
            if (Yml.maps(c, "ports").stream().noneMatch(p -> String.valueOf(port).equals(Yml.str(p, "containerPort")))) {
                problems.add(s.name + " listens on " + port + " but its container declares no such port");
            }
            Map<String, String> expected = Map.of("livenessProbe", s.livenessPath(), "readinessProbe", s.readinessPath());
            expected.forEach((probe, path) -> problems.addAll(probe(s.name, c, probe, Set.of(path), port, true)));
            problems.addAll(probe(s.name, c, "startupProbe", Set.of(s.livenessPath(), s.readinessPath(), s.startupPath()), port, false));

            Map<String, String> ann = Rendered.podAnnotations(w.get());
            if ("true".equals(ann.get("prometheus.io/scrape"))) {
                if (!s.hasDependency("quarkus-micrometer-registry-prometheus")) {
                    problems.add(s.name + " is scraped but its pom lacks quarkus-micrometer-registry-prometheus");
                }
                if (!s.metricsPath().equals(ann.get("prometheus.io/path"))) {
                    problems.add(s.name + ": prometheus.io/path " + ann.get("prometheus.io/path") + ", metrics are at " + s.metricsPath());
                }
                if (!String.valueOf(port).equals(ann.get("prometheus.io/port"))) {
                    problems.add(s.name + ": prometheus.io/port " + ann.get("prometheus.io/port") + ", the service listens on " + port);
                }
            } else {
                problems.add(s.name + " has no prometheus.io/scrape: \"true\" pod annotation");
            }
        }
        return problems;
    }

    private static int healthPort(Rendered r, Map<String, Object> c, ServiceModule s) {
        if (!s.managementInterface()) {
            return httpPort(r, c, s);
        }
        String env = r.envValue(c, "QUARKUS_MANAGEMENT_PORT");
        return env != null ? Integer.parseInt(env) : s.managementPort();
    }

    private static int httpPort(Rendered r, Map<String, Object> c, ServiceModule s) {
        String env = r.envValue(c, "QUARKUS_HTTP_PORT");
        return env != null ? Integer.parseInt(env) : s.httpPort();
    }

    private static List<String> probe(String service, Map<String, Object> c, String probe, Set<String> paths, int port, boolean required) {
        Map<String, Object> p = Yml.map(c, probe);
        if (p.isEmpty()) {
            return required ? List.of(service + " has no " + probe) : List.of();
        }
        String path = Yml.str(p, "httpGet", "path");
        int probePort = Rendered.containerPort(c, Yml.at(p, "httpGet", "port"));
        List<String> problems = new ArrayList<>();
        if (!paths.contains(path)) {
            problems.add(service + " " + probe + " probes " + path + "; the health endpoint is " + String.join(" or ", new TreeSet<>(paths)));
        }
        if (probePort != port) {
            problems.add(service + " " + probe + " probes port " + probePort + "; the service listens on " + port);
        }
        return problems;
    }

    /** Every container of every workload has CPU and memory requests and limits; no image is untagged or :latest. */
    static List<String> resourcesAndImages(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> w : r.workloads()) {
            for (Map<String, Object> c : Rendered.containers(w)) {
                String where = Rendered.kindAndName(w) + " container " + c.get("name");
                for (String kind : List.of("requests", "limits")) {
                    for (String res : List.of("cpu", "memory")) {
                        if (Yml.str(c, "resources", kind, res) == null) {
                            problems.add(where + " has no resources." + kind + "." + res);
                        }
                    }
                }
                String image = Yml.str(c, "image");
                String tag = image == null || !image.substring(image.lastIndexOf('/') + 1).contains(":") ? null : image.substring(image.lastIndexOf(':') + 1);
                if (tag == null || tag.equals("latest")) {
                    problems.add(where + " image " + image + " has no fixed tag");
                }
            }
        }
        return problems;
    }

    // ============================================================================================ configuration

    /**
     * Every environment variable a service container gets maps to a property of that service (its @ConfigMapping
     * interfaces or application.properties) or is a name its code reads; every property without a default and every
     * literal System.getenv read is set; every localhost default is overridden; paths point into mounted volumes.
     */
    /** Environment variables the JVM itself reads (heap sizing), not the service's configuration. */
    static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");

    /** prod: no SNAPSHOT image (rebuilt under the same tag, so nodes would run stale or mixed builds). */
    static List<String> releaseImages(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> w : r.workloads()) {
            for (Map<String, Object> c : Rendered.containers(w)) {
                String image = String.valueOf(c.get("image"));
                if (image.contains("SNAPSHOT")) {
                    problems.add(Rendered.kindAndName(w) + " runs the snapshot image " + image + "; prod runs release tags or digests");
                }
            }
        }
        return problems;
    }

    static List<String> configKeys(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        for (ServiceModule s : code.services) {
            Map<String, Object> c = r.workload(s.name).map(Rendered::mainContainer).orElse(null);
            if (c == null) {
                continue;
            }
            Map<String, Rendered.EnvValue> env = r.env(c);
            for (Map.Entry<String, Rendered.EnvValue> e : env.entrySet()) {
                String key = e.getKey();
                if (key.startsWith("<")) {
                    problems.add(s.name + ": " + key.substring(1, key.length() - 1)
                            + (key.startsWith("<envFrom secret") ? ": take secrets with env valueFrom.secretKeyRef, so their keys can be checked" : ""));
                    continue;
                }
                if (s.acceptsEnv(key) || Pending.anyExcuses(s, key) || JVM_ENV.contains(key)) {
                    continue;
                }
                if (key.startsWith("FRESHRAG_")) {
                    problems.add(s.name + ": " + key + " (" + e.getValue().origin() + ") maps to no property of its @ConfigMapping interfaces");
                } else if (!s.envKnown.contains(key)) {
                    problems.add(s.name + ": " + key + " (" + e.getValue().origin() + ") is neither a key of its application.properties nor a name its code reads");
                }
            }
            for (MappedProperty p : s.mapped) {
                if (p.required() && env.keySet().stream().noneMatch(k -> p.envPattern().matcher(k).matches()) && !s.properties.containsKey(p.name())) {
                    problems.add(s.name + ": required property " + p.name() + " (" + p.source() + ", no default) is not set; set "
                            + MappedProperty.envName(p.name()));
                }
            }
            for (String read : s.envRead) {
                if (!env.containsKey(read)) {
                    problems.add(s.name + ": its code reads System.getenv(\"" + read + "\") but the container does not set it");
                }
            }
            s.properties.forEach((k, v) -> {
                if ((v.contains("localhost") || v.contains("127.0.0.1")) && !env.containsKey(MappedProperty.envName(k))) {
                    problems.add(s.name + ": " + k + "=" + v + " points at the local machine and is not overridden (" + MappedProperty.envName(k) + ")");
                }
            });
            for (MappedProperty p : s.mapped) {
                String d = p.defaultValue();
                if (d != null && (d.contains("localhost") || d.contains("127.0.0.1")) && !env.containsKey(MappedProperty.envName(p.name()))) {
                    problems.add(s.name + ": " + p.name() + " defaults to " + d + " (" + p.source() + ") and is not overridden ("
                            + MappedProperty.envName(p.name()) + ")");
                }
            }
            for (Map.Entry<String, Rendered.EnvValue> e : env.entrySet()) {
                String v = e.getValue().value();
                if (v != null && v.startsWith("/") && e.getKey().matches(".*_(FILE|DIR|PATH)$") && mountFor(c, v) == null) {
                    problems.add(s.name + ": " + e.getKey() + "=" + v + " is not inside any volume mounted in the container");
                }
            }
        }
        Map<String, Map<String, String>> shared = new java.util.TreeMap<>();
        for (ServiceModule s : code.services) {
            Map<String, Object> c = r.workload(s.name).map(Rendered::mainContainer).orElse(null);
            if (c == null) {
                continue;
            }
            Map<String, Rendered.EnvValue> env = r.env(c);
            for (MappedProperty p : s.mapped) {
                if (!p.isPattern() && MUST_AGREE.stream().anyMatch(p.name()::startsWith)) {
                    Rendered.EnvValue v = env.get(MappedProperty.envName(p.name()));
                    String effective = v == null ? s.properties.getOrDefault(p.name(), p.defaultValue())
                            : v.isSecret() ? "Secret " + v.secretName() + "/" + v.secretKey() : v.value();
                    shared.computeIfAbsent(p.name(), k -> new LinkedHashMap<>()).put(s.name, effective);
                }
            }
        }
        shared.forEach((property, values) -> {
            if (values.size() > 1 && new LinkedHashSet<>(values.values()).size() > 1) {
                problems.add(property + " differs between services " + values + ": they must agree on the index, the topics and the embedding model and variant");
            }
        });
        return problems;
    }

    /** The volume mount of a container that contains PATH, or null. */
    static Map<String, Object> mountFor(Map<String, Object> container, String path) {
        for (Map<String, Object> m : Yml.maps(container, "volumeMounts")) {
            String mp = Yml.str(m, "mountPath");
            if (mp != null && (path.equals(mp) || path.startsWith(mp.endsWith("/") ? mp : mp + "/"))) {
                return m;
            }
        }
        return null;
    }

    // ============================================================================================ wiring

    /**
     * The addresses in the services' configuration lead where they must: Kafka to the Strimzi bootstrap Service,
     * the Qdrant host and port to Qdrant's gRPC port, the LLM base URL to the vLLM pods serving FRESHRAG_LLM_MODEL,
     * and each API key to the Secret the server reads its key from.
     */
    static List<String> wiring(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        String kafka = r.ofKind("Kafka").stream().map(Rendered::name).findFirst().orElse("?");
        Set<String> plainPorts = r.ofKind("Kafka").stream().flatMap(k -> Yml.maps(k, "spec", "kafka", "listeners").stream())
                .filter(l -> !"true".equals(Yml.str(l, "tls"))).map(l -> Yml.str(l, "port")).collect(Collectors.toSet());
        for (ServiceModule s : code.services) {
            Map<String, Object> w = r.workload(s.name).orElse(null);
            if (w == null) {
                continue;
            }
            Map<String, Object> c = Rendered.mainContainer(w);
            String bootstrap = r.envValue(c, "KAFKA_BOOTSTRAP_SERVERS");
            if (bootstrap != null) {
                for (String hp : bootstrap.split(",")) {
                    problems.addAll(kafkaAddress(s.name + " KAFKA_BOOTSTRAP_SERVERS", hp.trim(), kafka, Rendered.namespace(w), plainPorts, false));
                }
            }
            String qHost = r.envValue(c, "FRESHRAG_INDEX_QDRANT_HOST");
            if (qHost != null) {
                String qPort = Objects.requireNonNullElse(r.envValue(c, "FRESHRAG_INDEX_QDRANT_PORT"), "6334");
                Optional<Rendered.Endpoint> ep = r.resolveService(qHost, Integer.parseInt(qPort));
                if (ep.isEmpty()) {
                    problems.add(s.name + ": Qdrant at " + qHost + ":" + qPort + " is no port of a rendered Service with pods behind it");
                } else {
                    Map<String, Object> qc = Rendered.mainContainer(ep.get().workload());
                    if (!String.valueOf(Yml.str(qc, "image")).contains("qdrant")) {
                        problems.add(s.name + ": " + qHost + ":" + qPort + " leads to " + Rendered.kindAndName(ep.get().workload()) + ", not Qdrant");
                    }
                    if (ep.get().containerPort() != portOf(qc, "QDRANT__SERVICE__GRPC_PORT", r, 6334)) {
                        problems.add(s.name + ": " + qHost + ":" + qPort + " reaches Qdrant's port " + ep.get().containerPort() + ", not its gRPC port");
                    }
                    problems.addAll(sameSecret(r, s.name, c, "FRESHRAG_INDEX_QDRANT_API_KEY", qc, "QDRANT__SERVICE__API_KEY"));
                }
            }
            String llm = r.envValue(c, "FRESHRAG_LLM_BASE_URL");
            if (llm != null) {
                URI u = URI.create(llm);
                int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
                Optional<Rendered.Endpoint> ep = r.resolveService(u.getHost(), port);
                if (ep.isEmpty()) {
                    problems.add(s.name + ": FRESHRAG_LLM_BASE_URL " + llm + " is no port of a rendered Service with pods behind it");
                } else {
                    Map<String, Object> lc = Rendered.mainContainer(ep.get().workload());
                    String model = r.envValue(c, "FRESHRAG_LLM_MODEL");
                    Set<String> served = servedModels(lc);
                    if (model == null || !served.contains(model)) {
                        problems.add(s.name + ": FRESHRAG_LLM_MODEL=" + model + " but " + Rendered.kindAndName(ep.get().workload()) + " serves " + served);
                    }
                    problems.addAll(sameSecret(r, s.name, c, "FRESHRAG_LLM_API_KEY", lc, "VLLM_API_KEY"));
                }
            }
        }
        return problems;
    }

    static List<String> kafkaAddress(String what, String hostPort, String kafka, String namespace, Set<String> ports, boolean fromOtherNamespace) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        String port = colon < 0 ? "" : hostPort.substring(colon + 1);
        String service = kafka + "-kafka-bootstrap";
        Set<String> ok = new TreeSet<>(Set.of(service + "." + namespace + ".svc", service + "." + namespace + ".svc.cluster.local"));
        if (!fromOtherNamespace) {
            ok.addAll(Set.of(service, service + "." + namespace));
        }
        List<String> problems = new ArrayList<>();
        if (!ok.contains(host)) {
            problems.add(what + ": " + host + " is not the bootstrap Service of Kafka " + kafka + " (" + String.join(" or ", ok) + ")");
        }
        if (!ports.contains(port)) {
            problems.add(what + ": port " + port + " is no plaintext listener of Kafka " + kafka + " " + ports);
        }
        return problems;
    }

    private static int portOf(Map<String, Object> c, String env, Rendered r, int dflt) {
        String v = r.envValue(c, env);
        return v == null ? dflt : Integer.parseInt(v);
    }

    private static final Pattern MODEL_ARG = Pattern.compile("--(?:model|served-model-name)[= ](\\S+)");

    static Set<String> servedModels(Map<String, Object> container) {
        List<String> args = new ArrayList<>();
        Yml.list(container, "command").forEach(a -> args.add(String.valueOf(a)));
        Yml.list(container, "args").forEach(a -> args.add(String.valueOf(a)));
        Set<String> out = new TreeSet<>();
        String joined = String.join(" ", args);
        Matcher m = MODEL_ARG.matcher(joined);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> sameSecret(Rendered r, String service, Map<String, Object> client, String clientEnv, Map<String, Object> server, String serverEnv) {
        Rendered.EnvValue a = r.env(client).get(clientEnv);
        Rendered.EnvValue b = r.env(server).get(serverEnv);
        if (b == null || !b.isSecret()) {
            return List.of();
        }
        if (a == null || !a.isSecret() || !a.secretName().equals(b.secretName()) || !Objects.equals(a.secretKey(), b.secretKey())) {
            return List.of(service + ": " + clientEnv + " must come from Secret " + b.secretName() + " key " + b.secretKey()
                    + ", which the server reads as " + serverEnv + " (found " + a + ")");
        }
        return List.of();
    }

    /** Every Secret a workload needs is rendered or documented in deploy/README.md as created out of band. */
    static List<String> secrets(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        Set<String> rendered = r.ofKind("Secret").stream().map(Rendered::name).collect(Collectors.toSet());
        for (Map<String, Object> w : r.workloads()) {
            Set<String> needed = new TreeSet<>();
            for (Map<String, Object> c : Rendered.containers(w)) {
                r.env(c).values().stream().filter(v -> v.isSecret() && !v.optional()).forEach(v -> needed.add(v.secretName()));
            }
            for (Map<String, Object> v : Yml.maps(Rendered.podSpec(w), "volumes")) {
                if (Yml.str(v, "secret", "secretName") != null && !"true".equals(Yml.str(v, "secret", "optional"))) {
                    needed.add(Yml.str(v, "secret", "secretName"));
                }
            }
            for (String n : needed) {
                if (!rendered.contains(n) && !code.deployReadme.matches("(?s).*create secret generic " + Pattern.quote(n) + "\\b.*")) {
                    problems.add(Rendered.kindAndName(w) + " needs Secret " + n + ", which is neither rendered nor created in deploy/README.md");
                }
            }
        }
        return problems;
    }

    // ============================================================================================ network

    /**
     * Kafka, Qdrant and vLLM accept connections from exactly the FreshRAG services configured to use them; the
     * namespace denies ingress by default; the HTTP APIs are reachable; Prometheus reaches every scraped port.
     */
    static List<String> networkPolicies(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> policies = r.ofKind("NetworkPolicy");
        if (policies.stream().noneMatch(p -> Yml.map(p, "spec", "podSelector").isEmpty() && Yml.list(p, "spec", "policyTypes").contains("Ingress")
                && Yml.list(p, "spec", "ingress").isEmpty())) {
            problems.add("no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)");
        }
        String ns = r.workloads().stream().map(Rendered::namespace).filter(Objects::nonNull).findFirst().orElse("default");

        // who is configured to use what
        Map<String, Map<String, Object>> serviceWorkloads = new LinkedHashMap<>();
        Set<String> kafkaUsers = new TreeSet<>();
        Map<String, Set<String>> endpointUsers = new HashMap<>();
        Map<String, Rendered.Endpoint> endpoints = new HashMap<>();
        for (ServiceModule s : code.services) {
            Map<String, Object> w = r.workload(s.name).orElse(null);
            if (w == null) {
                continue;
            }
            serviceWorkloads.put(s.name, w);
            Map<String, Object> c = Rendered.mainContainer(w);
            if (r.envValue(c, "KAFKA_BOOTSTRAP_SERVERS") != null) {
                kafkaUsers.add(s.name);
            } else if (s.usesKafka()) {
                problems.add(s.name + " uses Kafka (application.properties) but KAFKA_BOOTSTRAP_SERVERS is not set");
            }
            String qHost = r.envValue(c, "FRESHRAG_INDEX_QDRANT_HOST");
            if (qHost != null && "qdrant".equals(r.envValue(c, "FRESHRAG_INDEX_KIND"))) {
                int port = Integer.parseInt(Objects.requireNonNullElse(r.envValue(c, "FRESHRAG_INDEX_QDRANT_PORT"), "6334"));
                r.resolveService(qHost, port).ifPresent(ep -> {
                    endpoints.put("Qdrant", ep);
                    endpointUsers.computeIfAbsent("Qdrant", k -> new TreeSet<>()).add(s.name);
                });
            }
            remoteEmbeddingUrl(r, c).ifPresent(u -> r.resolveService(u.getHost(), portOf(u)).ifPresent(ep -> {
                endpoints.put("the embedding server", ep);
                endpointUsers.computeIfAbsent("the embedding server", k -> new TreeSet<>()).add(s.name);
            }));
            String llm = r.envValue(c, "FRESHRAG_LLM_BASE_URL");
            if (llm != null) {
                URI u = URI.create(llm);
                r.resolveService(u.getHost(), u.getPort() > 0 ? u.getPort() : 80).ifPresent(ep -> {
                    endpoints.put("the LLM", ep);
                    endpointUsers.computeIfAbsent("the LLM", k -> new TreeSet<>()).add(s.name);
                });
            }
        }

        // Qdrant and the LLM: exactly their users among all pods of the namespace may connect
        for (Map.Entry<String, Rendered.Endpoint> e : endpoints.entrySet()) {
            Map<String, Object> target = e.getValue().workload();
            Set<String> allowed = new TreeSet<>();
            for (Map<String, Object> w : r.workloads()) {
                if (w == target) {
                    continue;
                }
                NetPol.Source src = NetPol.Source.pod(ns, Rendered.podLabels(w));
                if (NetPol.allows(policies, ns, Rendered.podLabels(target), Rendered.mainContainer(target), e.getValue().containerPort(), src)) {
                    allowed.add(Rendered.podLabels(w).getOrDefault("app.kubernetes.io/name", Rendered.name(w)));
                }
            }
            Set<String> users = endpointUsers.get(e.getKey());
            if (!allowed.equals(users)) {
                problems.add(e.getKey() + " (" + Rendered.kindAndName(target) + " port " + e.getValue().containerPort() + ") accepts " + allowed
                        + " but exactly its users " + users + " should reach it");
            }
            NetPol.Source outsider = new NetPol.Source("elsewhere", Map.of("kubernetes.io/metadata.name", "elsewhere"), Map.of("app", "x"));
            if (NetPol.allows(policies, ns, Rendered.podLabels(target), Rendered.mainContainer(target), e.getValue().containerPort(), outsider)) {
                problems.add(e.getKey() + " accepts connections from other namespaces");
            }
        }

        // Kafka: Strimzi writes the listener's NetworkPolicy from networkPolicyPeers
        for (Map<String, Object> k : r.ofKind("Kafka")) {
            for (Map<String, Object> l : Yml.maps(k, "spec", "kafka", "listeners")) {
                List<Map<String, Object>> peers = Yml.maps(l, "networkPolicyPeers");
                if (peers.isEmpty()) {
                    problems.add("Kafka listener " + Yml.str(l, "name") + " has no networkPolicyPeers: every pod may connect");
                    continue;
                }
                Set<String> allowed = new TreeSet<>();
                for (Map<String, Object> w : r.workloads()) {
                    Map<String, Object> rule = Map.of("from", peers);
                    Map<String, Object> np = Map.of("metadata", Map.of("namespace", ns), "spec", Map.of("podSelector", Map.of(), "ingress", List.of(rule)));
                    if (NetPol.allows(List.of(np), ns, Map.of(), Map.of(), 1, NetPol.Source.pod(ns, Rendered.podLabels(w)))) {
                        allowed.add(Rendered.podLabels(w).getOrDefault("app.kubernetes.io/name", Rendered.name(w)));
                    }
                }
                if (!allowed.equals(kafkaUsers)) {
                    problems.add("Kafka listener " + Yml.str(l, "name") + " admits " + allowed + " but exactly the services configured with Kafka "
                            + kafkaUsers + " should reach it");
                }
                boolean keda = r.ofKind("ScaledObject").stream().anyMatch(so -> Yml.maps(so, "spec", "triggers").stream()
                        .anyMatch(t -> "kafka".equals(Yml.str(t, "type"))));
                if (keda && peers.stream().noneMatch(p -> Yml.at(p, "namespaceSelector") != null)) {
                    problems.add("a KEDA kafka trigger reads consumer lag from the brokers, but no networkPolicyPeer admits KEDA's namespace");
                }
            }
        }

        // the HTTP APIs from anywhere; everything else of the services only from Prometheus
        NetPol.Source outsider = new NetPol.Source("ingress-nginx", Map.of("kubernetes.io/metadata.name", "ingress-nginx"), Map.of("app", "ingress"));
        NetPol.Source prometheus = new NetPol.Source("monitoring", Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("app.kubernetes.io/name", "prometheus"));
        for (Map.Entry<String, Map<String, Object>> e : serviceWorkloads.entrySet()) {
            Map<String, Object> w = e.getValue();
            Map<String, Object> c = Rendered.mainContainer(w);
            int port = httpPort(r, c, code.service(e.getKey()).orElseThrow());
            boolean servesApi = r.ofKind("Service").stream().anyMatch(svc -> NetPol.selects(Map.of("matchLabels", Yml.map(svc, "spec", "selector")), Rendered.podLabels(w))
                    && !Yml.map(svc, "spec", "selector").isEmpty());
            boolean open = NetPol.allows(policies, ns, Rendered.podLabels(w), c, port, outsider);
            if (servesApi && !open) {
                problems.add(e.getKey() + " has a Service but its HTTP port " + port + " is closed to clients from other namespaces");
            } else if (!servesApi && open) {
                problems.add(e.getKey() + " has no API Service but accepts HTTP from any namespace");
            }
            int health = healthPort(r, c, code.service(e.getKey()).orElseThrow());
            if (health != port && NetPol.allows(policies, ns, Rendered.podLabels(w), c, health, outsider)) {
                problems.add(e.getKey() + " serves health and metrics on " + health + ", which clients from other namespaces may reach: only monitoring should");
            }
        }
        for (Map<String, Object> w : r.workloads()) {
            Map<String, String> ann = Rendered.podAnnotations(w);
            if ("true".equals(ann.get("prometheus.io/scrape")) && ann.get("prometheus.io/port") != null) {
                int port = Integer.parseInt(ann.get("prometheus.io/port"));
                if (!NetPol.allows(policies, ns, Rendered.podLabels(w), Rendered.mainContainer(w), port, prometheus)) {
                    problems.add(Rendered.kindAndName(w) + " is scraped on " + port + " but Prometheus (namespace monitoring) may not connect");
                }
            }
        }
        return problems;
    }

    /**
     * Every PodMonitor of deploy/monitoring scrapes something the overlay runs: its selector matches a workload's
     * pods (or the Kafka Exporter Strimzi makes for the rendered Kafka), the named port is a port of that container,
     * Prometheus (namespace monitoring) may connect to it, the services' path is their metrics path, and a bearer
     * token comes from a Secret the scraped pod itself reads (so it is the key the server accepts).
     */
    static List<String> podMonitors(Rendered monitoring, Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        String ns = "freshrag";
        List<Map<String, Object>> policies = r.ofKind("NetworkPolicy");
        NetPol.Source prometheus = new NetPol.Source("monitoring", Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("app.kubernetes.io/name", "prometheus"));
        List<Map<String, Object>> monitors = monitoring.ofKind("PodMonitor");
        if (monitors.isEmpty()) {
            problems.add("deploy/monitoring renders no PodMonitor");
        }
        for (Map<String, Object> pm : monitors) {
            String what = "PodMonitor " + Rendered.name(pm);
            Map<String, Object> selector = Yml.map(pm, "spec", "selector");
            Map<String, ScrapeTarget> targets = new LinkedHashMap<>();
            for (Map<String, Object> w : r.workloads()) {
                if (NetPol.selects(selector, Rendered.podLabels(w))) {
                    targets.put(Rendered.kindAndName(w), new ScrapeTarget(Rendered.podLabels(w), Rendered.mainContainer(w)));
                }
            }
            for (Map<String, Object> kafka : r.ofKind("Kafka")) {
                Map<String, String> exporterLabels = Map.of("strimzi.io/name", Rendered.name(kafka) + "-kafka-exporter");
                if (Yml.at(kafka, "spec", "kafkaExporter") != null && NetPol.selects(selector, exporterLabels)) {
                    // the container Strimzi makes for the exporter: metrics on its port tcp-prometheus, 9404
                    targets.put("Kafka Exporter of " + Rendered.name(kafka), new ScrapeTarget(exporterLabels,
                            Map.of("ports", List.of(Map.of("name", "tcp-prometheus", "containerPort", 9404)))));
                }
            }
            if (targets.isEmpty()) {
                problems.add(what + " selects no pod of the " + r.overlay + " overlay");
                continue;
            }
            for (Map<String, Object> ep : Yml.maps(pm, "spec", "podMetricsEndpoints")) {
                String portName = Yml.str(ep, "port");
                targets.forEach((name, t) -> {
                    Optional<Map<String, Object>> port = Yml.maps(t.container(), "ports").stream()
                            .filter(p -> Objects.equals(portName, Yml.str(p, "name"))).findFirst();
                    if (port.isEmpty()) {
                        problems.add(what + " scrapes port " + portName + " of " + name + ", which has no port of that name");
                        return;
                    }
                    int number = Integer.parseInt(Yml.str(port.get(), "containerPort"));
                    if (!NetPol.allows(policies, ns, t.labels(), t.container(), number, prometheus)) {
                        problems.add(what + " scrapes " + name + " on " + number + " but Prometheus (namespace monitoring) may not connect");
                    }
                    String app = t.labels().get("app.kubernetes.io/name");
                    Optional<ServiceModule> service = app == null ? Optional.empty() : code.service(app);
                    if (service.isPresent() && !service.get().metricsPath().equals(Yml.str(ep, "path"))) {
                        problems.add(what + " scrapes " + Yml.str(ep, "path") + " of " + app + ", whose metrics are at " + service.get().metricsPath());
                    }
                    String secret = Yml.str(ep, "authorization", "credentials", "name");
                    if (secret != null && !Rendered.secretsRead(t.container()).contains(secret)) {
                        problems.add(what + " sends Secret " + secret + " as bearer token, but " + name + " reads no such Secret: the server would refuse it");
                    }
                });
            }
        }
        return problems;
    }

    // ============================================================================================ remote embedding

    private static final Pattern ARG = Pattern.compile("--([a-z-]+)(?:[= ](\\S+))?");

    /** The embedding server's URL of a service configured with a remote backend (openai or tei), else empty. */
    static Optional<URI> remoteEmbeddingUrl(Rendered r, Map<String, Object> container) {
        String backend = r.envValue(container, "FRESHRAG_EMBEDDING_BACKEND");
        String url = r.envValue(container, "FRESHRAG_EMBEDDING_REMOTE_URL");
        if (backend == null || backend.equalsIgnoreCase("onnx") || url == null) {
            return Optional.empty();
        }
        return Optional.of(URI.create(url));
    }

    private static int portOf(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    /** {@code --name=value} / {@code --name value} / {@code --flag} arguments of a container. */
    static Map<String, String> args(Map<String, Object> container) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ARG.matcher(String.join(" ", Yml.list(container, "args").stream().map(String::valueOf).toList()));
        while (m.find()) {
            out.put(m.group(1), m.group(2) == null ? "true" : m.group(2));
        }
        return out;
    }

    /**
     * Remote embedding (overlays/prod-tei): every service that embeds (the embed- and the query-service) uses the
     * same remote backend, URL and model; the URL leads to a rendered text-embeddings-inference Deployment serving
     * that model (--model-id), on a GPU node (nvidia.com/gpu limit, GPU node selector, the GPU taint tolerated);
     * the API key comes from the Secret TEI reads; a request's token budget fits in one TEI batch
     * (--max-batch-tokens, 16384 by default); and egress policies let each service reach it. With
     * {@code required}, an overlay where the services embed in process is a problem too.
     */
    static List<String> remoteEmbedding(Rendered r, Code code, boolean required) {
        List<String> problems = new ArrayList<>();
        Set<String> configurations = new TreeSet<>();
        for (String name : List.of("embed-service", "query-service")) {
            Map<String, Object> w = r.workload(name).orElse(null);
            if (w == null) {
                problems.add("no " + name + " workload");
                continue;
            }
            Map<String, Object> c = Rendered.mainContainer(w);
            String backend = r.envValue(c, "FRESHRAG_EMBEDDING_BACKEND");
            Optional<URI> url = remoteEmbeddingUrl(r, c);
            if (url.isEmpty()) {
                if (required) {
                    problems.add(name + " embeds in process (FRESHRAG_EMBEDDING_BACKEND=" + backend
                            + ", FRESHRAG_EMBEDDING_REMOTE_URL=" + r.envValue(c, "FRESHRAG_EMBEDDING_REMOTE_URL") + "); this overlay embeds through TEI");
                }
                continue;
            }
            String model = r.envValue(c, "FRESHRAG_EMBEDDING_REMOTE_MODEL");
            configurations.add(backend + " " + url.get() + " " + model);
            Optional<Rendered.Endpoint> ep = r.resolveService(url.get().getHost(), portOf(url.get()));
            if (ep.isEmpty()) {
                problems.add(name + ": FRESHRAG_EMBEDDING_REMOTE_URL " + url.get() + " is no port of a rendered Service with pods behind it");
                continue;
            }
            Map<String, Object> server = ep.get().workload();
            Map<String, Object> sc = Rendered.mainContainer(server);
            String where = Rendered.kindAndName(server);
            if ("tei".equalsIgnoreCase(backend) && !String.valueOf(Yml.str(sc, "image")).contains("text-embeddings-inference")) {
                problems.add(name + ": backend tei, but " + url.get() + " leads to " + where + " (" + Yml.str(sc, "image") + ")");
            }
            Map<String, String> args = args(sc);
            if (model == null || !model.equals(args.get("model-id"))) {
                problems.add(name + ": FRESHRAG_EMBEDDING_REMOTE_MODEL=" + model + " but " + where + " serves --model-id=" + args.get("model-id"));
            }
            if (ep.get().containerPort() != Integer.parseInt(args.getOrDefault("port", "3000"))) {
                problems.add(name + ": " + url.get() + " reaches port " + ep.get().containerPort() + " of " + where + ", which listens on --port="
                        + args.getOrDefault("port", "3000 (the default)"));
            }
            int serverBatch = Integer.parseInt(args.getOrDefault("max-batch-tokens", "16384"));
            String budget = r.envValue(c, "FRESHRAG_EMBEDDING_REMOTE_BATCH_TOKENS");
            int requestBatch = budget == null ? 8192 : Integer.parseInt(budget);
            if (requestBatch > serverBatch) {
                problems.add(name + ": requests of " + requestBatch + " tokens do not fit in " + where + "'s batches of --max-batch-tokens=" + serverBatch);
            }
            problems.addAll(sameSecret(r, name, c, "FRESHRAG_EMBEDDING_REMOTE_API_KEY", sc, "API_KEY"));
            String gpus = Yml.str(sc, "resources", "limits", "nvidia.com/gpu");
            if (gpus == null || Integer.parseInt(gpus) < 1) {
                problems.add(where + " (the embedding server) has no nvidia.com/gpu limit");
            }
            if (!"true".equals(Yml.str(Rendered.podSpec(server), "nodeSelector", "nvidia.com/gpu.present"))) {
                problems.add(where + " (the embedding server) is not steered to GPU nodes (nodeSelector nvidia.com/gpu.present)");
            }
            if (Yml.maps(Rendered.podSpec(server), "tolerations").stream().noneMatch(t -> "nvidia.com/gpu".equals(Yml.str(t, "key")))) {
                problems.add(where + " (the embedding server) does not tolerate the nvidia.com/gpu taint of GPU nodes");
            }
            if (!NetPol.allowsEgress(r.ofKind("NetworkPolicy"), Rendered.podLabels(w), Rendered.podLabels(server), sc, ep.get().containerPort())) {
                problems.add(name + " may not open connections to " + where + " port " + ep.get().containerPort() + " (no egress rule)");
            }
        }
        if (configurations.size() > 1) {
            problems.add("the embed- and the query-service embed differently (backend, URL, model): " + configurations
                    + "; chunks and queries must be embedded by the same model");
        }
        return problems;
    }

    /** A pod a PodMonitor scrapes: its labels and its (main) container. */
    private record ScrapeTarget(Map<String, String> labels, Map<String, Object> container) {
    }

    // ============================================================================================ scaling, GPUs

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    /**
     * A KEDA ScaledObject with a kafka trigger scales the service that consumes the trigger's topic, with that
     * service's consumer group, at most up to the topic's partitions, and the Deployment leaves replicas to KEDA.
     */
    static List<String> scaling(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        String kafka = r.ofKind("Kafka").stream().map(Rendered::name).findFirst().orElse("?");
        Set<String> plainPorts = r.ofKind("Kafka").stream().flatMap(k -> Yml.maps(k, "spec", "kafka", "listeners").stream())
                .filter(l -> !"true".equals(Yml.str(l, "tls"))).map(l -> Yml.str(l, "port")).collect(Collectors.toSet());
        for (Map<String, Object> so : r.ofKind("ScaledObject")) {
            String target = Yml.str(so, "spec", "scaleTargetRef", "name");
            Map<String, Object> w = r.find("Deployment", target).orElse(null);
            if (w == null) {
                problems.add("ScaledObject " + Rendered.name(so) + " scales Deployment " + target + ", which is not rendered");
                continue;
            }
            if (Yml.at(w, "spec", "replicas") != null) {
                problems.add("Deployment " + target + " sets spec.replicas although KEDA scales it: every apply would reset the count");
            }
            ServiceModule s = code.service(Rendered.podLabels(w).get("app.kubernetes.io/name")).orElse(null);
            Map<String, Object> c = Rendered.mainContainer(w);
            for (Map<String, Object> t : Yml.maps(so, "spec", "triggers")) {
                if (!"kafka".equals(Yml.str(t, "type"))) {
                    continue;
                }
                String topic = Yml.str(t, "metadata", "topic");
                String group = Yml.str(t, "metadata", "consumerGroup");
                Map<String, String> consumed = s == null ? Map.of() : consumedTopics(s, r, c);
                if (!consumed.containsKey(topic)) {
                    problems.add("ScaledObject " + Rendered.name(so) + " watches topic " + topic + ", which " + target + " does not consume " + consumed.keySet());
                } else if (!consumed.get(topic).equals(group)) {
                    problems.add("ScaledObject " + Rendered.name(so) + " watches group " + group + "; " + target + " consumes " + topic + " as group " + consumed.get(topic));
                }
                String partitions = r.ofKind("KafkaTopic").stream().filter(k -> topic != null && topic.equals(Objects.requireNonNullElse(Yml.str(k, "spec", "topicName"), Rendered.name(k))))
                        .map(k -> Yml.str(k, "spec", "partitions")).findFirst().orElse(null);
                String max = Yml.str(so, "spec", "maxReplicaCount");
                if (partitions == null || !partitions.equals(max)) {
                    problems.add("ScaledObject " + Rendered.name(so) + " maxReplicaCount " + max + " must equal the partitions of " + topic + " (" + partitions + ")");
                }
                String bootstrap = Objects.requireNonNullElse(Yml.str(t, "metadata", "bootstrapServers"), "");
                for (String hp : bootstrap.split(",")) {
                    problems.addAll(kafkaAddress("ScaledObject " + Rendered.name(so) + " bootstrapServers", hp.trim(), kafka, Rendered.namespace(w), plainPorts, true));
                }
            }
        }
        return problems;
    }

    /** topic -> consumer group of the service's incoming Kafka channels, topics resolved like SmallRye would. */
    static Map<String, String> consumedTopics(ServiceModule s, Rendered r, Map<String, Object> container) {
        Map<String, String> out = new LinkedHashMap<>();
        Pattern channel = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.topic");
        s.properties.forEach((k, v) -> {
            Matcher m = channel.matcher(k);
            if (m.matches()) {
                String group = s.properties.get("mp.messaging.incoming." + m.group(1) + ".group.id");
                out.put(resolve(v, s, r, container), group);
            }
        });
        return out;
    }

    private static String resolve(String value, ServiceModule s, Rendered r, Map<String, Object> container) {
        Matcher m = EXPRESSION.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String prop = m.group(1);
            String v = r.envValue(container, MappedProperty.envName(prop));
            if (v == null) {
                v = s.properties.get(prop);
            }
            if (v == null) {
                v = s.mappedDefault(prop);
            }
            if (v == null) {
                v = m.group(2);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(Objects.requireNonNullElse(v, "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * GPU placement. With gpuEmbedding (prod) the embedding service asks for an NVIDIA GPU, is steered to GPU nodes,
     * tolerates their taint, runs the -gpu image and is told to use CUDA; without it (dev) it asks for none. vLLM
     * always gets a GPU, LoRA enabled with runtime updating, and its adapters volume.
     */
    static List<String> gpu(Rendered r, Code code, boolean gpuEmbedding) {
        return gpu(r, code, gpuEmbedding, gpuEmbedding);
    }

    /** As above; {@code releaseImages}: the overlay runs release tags (prod and overlays built on it). */
    static List<String> gpu(Rendered r, Code code, boolean gpuEmbedding, boolean releaseImages) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> embed = r.workload("embed-service").orElse(null);
        if (embed == null) {
            return List.of("no embed-service workload");
        }
        Map<String, Object> c = Rendered.mainContainer(embed);
        String gpus = Yml.str(c, "resources", "limits", "nvidia.com/gpu");
        String image = Yml.str(c, "image");
        // prod (the GPU overlay) runs release images: the build's version without -SNAPSHOT
        String baseTag = releaseImages ? code.releaseTag() : code.imageTag;
        if (gpuEmbedding) {
            if (gpus == null || Integer.parseInt(gpus) < 1) {
                problems.add("embed-service has no nvidia.com/gpu limit");
            }
            if (Yml.map(Rendered.podSpec(embed), "nodeSelector").isEmpty() && Yml.at(Rendered.podSpec(embed), "affinity", "nodeAffinity") == null) {
                problems.add("embed-service is not steered to GPU nodes (nodeSelector or node affinity)");
            }
            if (Yml.maps(Rendered.podSpec(embed), "tolerations").stream().noneMatch(t -> "nvidia.com/gpu".equals(Yml.str(t, "key")))) {
                problems.add("embed-service does not tolerate the nvidia.com/gpu taint of GPU nodes");
            }
            if (image == null || !image.endsWith(":" + baseTag + "-gpu")) {
                problems.add("embed-service runs " + image + "; the CUDA build is tagged " + baseTag + "-gpu");
            }
            if (!"cuda".equals(r.envValue(c, "FRESHRAG_EMBEDDING_TARGET"))) {
                problems.add("embed-service on a GPU must set FRESHRAG_EMBEDDING_TARGET=cuda (found " + r.envValue(c, "FRESHRAG_EMBEDDING_TARGET") + ")");
            }
        } else {
            if (gpus != null) {
                problems.add("embed-service asks for nvidia.com/gpu in an overlay without GPU embedding");
            }
            if (image == null || !image.endsWith(":" + baseTag)) {
                problems.add("embed-service runs " + image + "; the CPU build is tagged " + baseTag);
            }
        }
        for (ServiceModule s : code.services) {
            if (!s.name.equals("embed-service")) {
                String img = r.workload(s.name).map(w -> Yml.str(Rendered.mainContainer(w), "image")).orElse(null);
                if (img == null || !img.endsWith(":" + baseTag)) {
                    problems.add(s.name + " runs " + img + "; Jib tags the images " + baseTag);
                }
            }
        }

        Map<String, Object> vllm = r.workloads().stream().filter(w -> Rendered.containers(w).stream()
                .anyMatch(x -> String.valueOf(x.get("image")).startsWith("vllm/vllm-openai"))).findFirst().orElse(null);
        if (vllm == null) {
            problems.add("no vLLM workload (image vllm/vllm-openai)");
            return problems;
        }
        Map<String, Object> vc = Rendered.mainContainer(vllm);
        String vg = Yml.str(vc, "resources", "limits", "nvidia.com/gpu");
        if (vg == null || Integer.parseInt(vg) < 1) {
            problems.add("vLLM has no nvidia.com/gpu limit");
        }
        String args = String.join(" ", Yml.list(vc, "args").stream().map(String::valueOf).toList());
        for (String flag : List.of("--model", "--enable-lora", "--max-loras", "--max-lora-rank")) {
            if (!Pattern.compile("(^| )" + Pattern.quote(flag) + "($|[ =])").matcher(args).find()) {
                problems.add("vLLM args lack " + flag);
            }
        }
        if (!"true".equalsIgnoreCase(r.envValue(vc, "VLLM_ALLOW_RUNTIME_LORA_UPDATING"))) {
            problems.add("vLLM must set VLLM_ALLOW_RUNTIME_LORA_UPDATING=True (the query-service loads adapters at run time)");
        }
        Map<String, Object> adapters = mountFor(vc, "/adapters");
        String claim = adapters == null ? null : Yml.maps(Rendered.podSpec(vllm), "volumes").stream()
                .filter(v -> Objects.equals(Yml.str(v, "name"), Yml.str(adapters, "name")))
                .map(v -> Yml.str(v, "persistentVolumeClaim", "claimName")).filter(Objects::nonNull).findFirst().orElse(null);
        if (claim == null || r.find("PersistentVolumeClaim", claim).isEmpty()) {
            problems.add("vLLM has no /adapters volume from a rendered PersistentVolumeClaim");
        } else if (Rendered.replicas(vllm) > 1 && !Yml.list(r.find("PersistentVolumeClaim", claim).get(), "spec", "accessModes").contains("ReadWriteMany")) {
            problems.add("several vLLM replicas share the adapters claim " + claim + ", which is not ReadWriteMany");
        }
        return problems;
    }

    // ============================================================================================ replicas

    /** dev: one of everything. */
    static List<String> singleReplicas(Rendered r) {
        List<String> problems = new ArrayList<>();
        r.workloads().stream().filter(w -> Rendered.replicas(w) != 1)
                .forEach(w -> problems.add(Rendered.kindAndName(w) + " has " + Rendered.replicas(w) + " replicas; dev runs one"));
        int nodes = r.ofKind("KafkaNodePool").stream().mapToInt(p -> Integer.parseInt(Yml.str(p, "spec", "replicas"))).sum();
        if (nodes != 1) {
            problems.add("dev runs one Kafka node, the pools have " + nodes);
        }
        return problems;
    }

    /**
     * prod: every FreshRAG service and Qdrant runs at least two replicas (or is scaled by KEDA), has a
     * PodDisruptionBudget over its pods that allows a drain, and prefers or requires spreading its pods over nodes.
     */
    static List<String> highAvailability(Rendered r, Code code) {
        List<String> problems = new ArrayList<>();
        Set<String> scaled = r.ofKind("ScaledObject").stream().map(so -> Yml.str(so, "spec", "scaleTargetRef", "name")).collect(Collectors.toSet());
        List<Map<String, Object>> targets = new ArrayList<>();
        code.services.forEach(s -> r.workload(s.name).ifPresent(targets::add));
        r.workload("qdrant").ifPresent(targets::add);
        for (Map<String, Object> w : targets) {
            String name = Rendered.kindAndName(w);
            Map<String, String> labels = Rendered.podLabels(w);
            boolean keda = scaled.contains(Rendered.name(w));
            if (!keda && Rendered.replicas(w) < 2) {
                problems.add(name + " runs " + Rendered.replicas(w) + " replica(s) in prod");
            }
            List<Map<String, Object>> pdbs = r.ofKind("PodDisruptionBudget").stream()
                    .filter(p -> NetPol.selects(Yml.map(p, "spec", "selector"), labels) && !Yml.map(p, "spec", "selector").isEmpty()).toList();
            if (pdbs.isEmpty()) {
                problems.add(name + " has no PodDisruptionBudget");
            }
            for (Map<String, Object> p : pdbs) {
                if ("0".equals(Yml.str(p, "spec", "maxUnavailable")) || Objects.equals(Yml.str(p, "spec", "minAvailable"), String.valueOf(Rendered.replicas(w)))) {
                    problems.add("PodDisruptionBudget " + Rendered.name(p) + " never lets a pod of " + name + " go: node drains would hang");
                }
            }
            Map<String, Object> anti = Yml.map(Rendered.podSpec(w), "affinity", "podAntiAffinity");
            List<Map<String, Object>> terms = new ArrayList<>(Yml.maps(anti, "requiredDuringSchedulingIgnoredDuringExecution"));
            Yml.maps(anti, "preferredDuringSchedulingIgnoredDuringExecution").forEach(t -> terms.add(Yml.map(t, "podAffinityTerm")));
            if (terms.stream().noneMatch(t -> NetPol.selects(Yml.map(t, "labelSelector"), labels) && !Yml.map(t, "labelSelector").isEmpty()
                    && Yml.str(t, "topologyKey") != null)) {
                problems.add(name + " has no podAntiAffinity against its own pods");
            }
        }
        return problems;
    }

    // ============================================================================================ hardening

    /**
     * Every pod: no service-account token, seccomp RuntimeDefault, every container without privilege escalation
     * and with all capabilities dropped, probes with a timeout of at least 2 s, every emptyDir bounded; the namespace
     * carries Pod Security Admission labels.
     */
    static List<String> hardening(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> ns : r.ofKind("Namespace")) {
            if (Yml.str(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce") == null) {
                problems.add("Namespace " + Rendered.name(ns) + " has no pod-security.kubernetes.io/enforce label");
            }
        }
        for (Map<String, Object> w : r.workloads()) {
            String name = Rendered.kindAndName(w);
            Map<String, Object> pod = Rendered.podSpec(w);
            if (!Boolean.FALSE.equals(pod.get("automountServiceAccountToken"))) {
                problems.add(name + " mounts a service-account token (set automountServiceAccountToken: false)");
            }
            boolean podSeccomp = "RuntimeDefault".equals(Yml.str(pod, "securityContext", "seccompProfile", "type"));
            for (Map<String, Object> c : Rendered.containers(w)) {
                String where = name + " container " + c.get("name");
                if (!podSeccomp && !"RuntimeDefault".equals(Yml.str(c, "securityContext", "seccompProfile", "type"))) {
                    problems.add(where + " runs without the RuntimeDefault seccomp profile");
                }
                if (!Boolean.FALSE.equals(Yml.at(c, "securityContext", "allowPrivilegeEscalation"))) {
                    problems.add(where + " allows privilege escalation");
                }
                if (!Yml.list(c, "securityContext", "capabilities", "drop").contains("ALL")) {
                    problems.add(where + " does not drop ALL capabilities");
                }
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    if (c.get(probe) != null) {
                        String t = Yml.str(c, probe, "timeoutSeconds");
                        if (t == null || Integer.parseInt(t) < 2) {
                            problems.add(where + " " + probe + " times out after " + (t == null ? "the default 1" : t) + " s; give it a few seconds");
                        }
                    }
                }
            }
            for (Map<String, Object> v : Yml.maps(pod, "volumes")) {
                if (v.containsKey("emptyDir") && Yml.str(v, "emptyDir", "sizeLimit") == null) {
                    problems.add(name + " volume " + v.get("name") + " is an emptyDir without sizeLimit");
                }
            }
        }
        return problems;
    }

    /**
     * prod: every quorum (KRaft controllers, brokers for min.insync.replicas 2, Qdrant's Raft peers) has one member
     * per node, enforced (required anti-affinity or a hostname spread with DoNotSchedule), and a zone spread; Kafka
     * knows its brokers' zones (rack).
     */
    static List<String> quorumSpread(Rendered r) {
        List<String> problems = new ArrayList<>();
        List<Map.Entry<String, Map<String, Object>>> pods = new ArrayList<>();
        for (Map<String, Object> pool : r.ofKind("KafkaNodePool")) {
            pods.add(Map.entry("KafkaNodePool " + Rendered.name(pool), Yml.map(pool, "spec", "template", "pod")));
        }
        r.workload("qdrant").ifPresent(q -> pods.add(Map.entry("StatefulSet qdrant", Rendered.podSpec(q))));
        for (Map.Entry<String, Map<String, Object>> e : pods) {
            Map<String, Object> pod = e.getValue();
            List<Map<String, Object>> spreads = Yml.maps(pod, "topologySpreadConstraints");
            boolean hardPerNode = !Yml.maps(pod, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution").stream()
                    .filter(t -> "kubernetes.io/hostname".equals(Yml.str(t, "topologyKey"))).toList().isEmpty()
                    || spreads.stream().anyMatch(s -> "kubernetes.io/hostname".equals(Yml.str(s, "topologyKey"))
                    && "DoNotSchedule".equals(Yml.str(s, "whenUnsatisfiable")));
            if (!hardPerNode) {
                problems.add(e.getKey() + " only prefers one pod per node: two members of its quorum can share a node");
            }
            if (spreads.stream().noneMatch(s -> "topology.kubernetes.io/zone".equals(Yml.str(s, "topologyKey")))) {
                problems.add(e.getKey() + " is not spread over zones");
            }
        }
        for (Map<String, Object> k : r.ofKind("Kafka")) {
            if (Yml.str(k, "spec", "kafka", "rack", "topologyKey") == null) {
                problems.add("Kafka " + Rendered.name(k) + " has no rack (spec.kafka.rack.topologyKey): replicas may share a zone");
            }
        }
        return problems;
    }
}
