package dev.freshrag.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The objects one Kustomize overlay renders to, as `kubectl kustomize deploy/k8s/overlays/NAME` prints them,
 * with lookups the checks need. Immutable from the outside: {@link #mutate} hands a test a deep copy.
 */
final class Rendered {

    /** Set to true to skip (not fail) the tests that need kubectl when it is missing. */
    static final String SKIP_WITHOUT_KUBECTL = "freshrag.deploy-tests.skip-without-kubectl";
    /** The kubectl binary; default: `kubectl` on the PATH. */
    static final String KUBECTL = "freshrag.kubectl";

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final List<Map<String, Object>> objects;

    Rendered(String overlay, List<Map<String, Object>> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    /** The Prometheus Operator scrape targets, deploy/monitoring, applied beside an overlay. */
    static Rendered monitoring() {
        return CACHE.computeIfAbsent("monitoring", n -> new Rendered(n, parse(kustomize(RepoRoot.get().resolve("deploy/monitoring")))));
    }

    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> new Rendered(n, parse(kustomize(RepoRoot.get().resolve("deploy/k8s/overlays").resolve(n)))));
    }

    /** A deep copy to change in a test. */
    Rendered mutate() {
        return new Rendered(overlay, Yml.copy(objects));
    }

    // ------------------------------------------------------------------------------------------ rendering

    static String kustomize(Path dir) {
        if (!Files.isDirectory(dir)) {
            Assertions.fail("no Kustomize overlay at " + dir);
        }
        String kubectl = System.getProperty(KUBECTL, "kubectl");
        Process p;
        try {
            p = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            String msg = "kubectl is needed to render " + dir + " but '" + kubectl + "' cannot be run (" + e.getMessage()
                    + "). Install it (Debian: apt-get install kubectl) or skip these tests with -D" + SKIP_WITHOUT_KUBECTL + "=true";
            Assumptions.assumeFalse(Boolean.getBoolean(SKIP_WITHOUT_KUBECTL), msg);
            return Assertions.fail(msg);
        }
        try {
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errPump = new Thread(() -> copy(p.getErrorStream(), err));
            errPump.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(p.getInputStream(), out);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Assertions.fail("kubectl kustomize " + dir + " did not finish in 120 s");
            }
            errPump.join();
            if (p.exitValue() != 0) {
                return Assertions.fail("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "):\n"
                        + err.toString(StandardCharsets.UTF_8));
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : parser.loadAll(yaml)) {
            if (doc instanceof Map<?, ?> m) {
                docs.add((Map<String, Object>) m);
            }
        }
        return docs;
    }

    // ------------------------------------------------------------------------------------------ lookups

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    static String name(Map<String, Object> o) {
        return Yml.str(o, "metadata", "name");
    }

    static String kindAndName(Map<String, Object> o) {
        return o.get("kind") + "/" + name(o);
    }

    /** Deployments and StatefulSets. */
    List<Map<String, Object>> workloads() {
        List<Map<String, Object>> out = new ArrayList<>(ofKind("Deployment"));
        out.addAll(ofKind("StatefulSet"));
        return out;
    }

    /** The workload whose pods carry app.kubernetes.io/name=NAME. */
    Optional<Map<String, Object>> workload(String appName) {
        return workloads().stream().filter(w -> appName.equals(podLabels(w).get("app.kubernetes.io/name"))).findFirst();
    }

    static Map<String, String> podLabels(Map<String, Object> workload) {
        return Yml.strings(workload, "spec", "template", "metadata", "labels");
    }

    static Map<String, String> podAnnotations(Map<String, Object> workload) {
        return Yml.strings(workload, "spec", "template", "metadata", "annotations");
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return Yml.map(workload, "spec", "template", "spec");
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return Yml.maps(podSpec(workload), "containers");
    }

    /** The container named like the app, or the first one. */
    static Map<String, Object> mainContainer(Map<String, Object> workload) {
        String app = podLabels(workload).get("app.kubernetes.io/name");
        List<Map<String, Object>> cs = containers(workload);
        return cs.stream().filter(c -> Objects.equals(app, c.get("name"))).findFirst().orElse(cs.isEmpty() ? Map.of() : cs.get(0));
    }

    static int replicas(Map<String, Object> workload) {
        String r = Yml.str(workload, "spec", "replicas");
        return r == null ? 1 : Integer.parseInt(r);
    }

    /** Where one environment variable of a container comes from. */
    record EnvValue(String value, String secretName, String secretKey, boolean optional, String origin) {
        boolean isSecret() {
            return secretName != null;
        }
    }

    /**
     * A container's environment as Kubernetes assembles it: envFrom ConfigMaps (in order, with their prefix),
     * then env entries, later ones winning. envFrom Secrets are reported with a null value and origin
     * "envFrom secret NAME" (the checks reject them: their keys cannot be seen in the rendered objects).
     */
    Map<String, EnvValue> env(Map<String, Object> container) {
        Map<String, EnvValue> env = new LinkedHashMap<>();
        for (Map<String, Object> from : Yml.maps(container, "envFrom")) {
            String prefix = Objects.requireNonNullElse(Yml.str(from, "prefix"), "");
            String cm = Yml.str(from, "configMapRef", "name");
            String secret = Yml.str(from, "secretRef", "name");
            if (cm != null) {
                Map<String, Object> configMap = find("ConfigMap", cm).orElse(null);
                if (configMap == null) {
                    env.put("<missing ConfigMap " + cm + ">", new EnvValue(null, null, null, false, "envFrom configMap " + cm));
                    continue;
                }
                Yml.strings(configMap, "data").forEach((k, v) -> env.put(prefix + k, new EnvValue(v, null, null, false, "ConfigMap " + cm)));
            } else if (secret != null) {
                env.put("<envFrom secret " + secret + ">", new EnvValue(null, secret, null, false, "envFrom secret " + secret));
            }
        }
        for (Map<String, Object> e : Yml.maps(container, "env")) {
            String name = Yml.str(e, "name");
            if (Yml.str(e, "valueFrom", "secretKeyRef", "name") != null) {
                env.put(name, new EnvValue(null, Yml.str(e, "valueFrom", "secretKeyRef", "name"), Yml.str(e, "valueFrom", "secretKeyRef", "key"),
                        Boolean.parseBoolean(Yml.str(e, "valueFrom", "secretKeyRef", "optional")), "Secret"));
            } else if (Yml.str(e, "valueFrom", "configMapKeyRef", "name") != null) {
                String cm = Yml.str(e, "valueFrom", "configMapKeyRef", "name");
                String key = Yml.str(e, "valueFrom", "configMapKeyRef", "key");
                String v = find("ConfigMap", cm).map(c -> Yml.str(c, "data", key)).orElse(null);
                env.put(name, new EnvValue(v, null, null, false, "ConfigMap " + cm));
            } else if (Yml.str(e, "valueFrom", "fieldRef", "fieldPath") != null) {
                // the downward API (e.g. the pod name): known only in the cluster
                env.put(name, new EnvValue(null, null, null, false, "fieldRef " + Yml.str(e, "valueFrom", "fieldRef", "fieldPath")));
            } else {
                env.put(name, new EnvValue(Objects.requireNonNullElse(Yml.str(e, "value"), ""), null, null, false, "env"));
            }
        }
        return env;
    }

    /** The literal value of an environment variable, or null (unset or from a Secret). */
    /** Names of the Secrets a container's environment reads (env[].valueFrom.secretKeyRef, envFrom[].secretRef). */
    static Set<String> secretsRead(Map<String, Object> container) {
        Set<String> names = new java.util.TreeSet<>();
        for (Map<String, Object> e : Yml.maps(container, "env")) {
            String n = Yml.str(e, "valueFrom", "secretKeyRef", "name");
            if (n != null) {
                names.add(n);
            }
        }
        for (Map<String, Object> e : Yml.maps(container, "envFrom")) {
            String n = Yml.str(e, "secretRef", "name");
            if (n != null) {
                names.add(n);
            }
        }
        return names;
    }

    String envValue(Map<String, Object> container, String name) {
        EnvValue v = env(container).get(name);
        return v == null ? null : v.value();
    }

    /** Resolves a container port given by number or name to its number, or -1. */
    static int containerPort(Map<String, Object> container, Object port) {
        if (port == null) {
            return -1;
        }
        String p = String.valueOf(port);
        for (Map<String, Object> cp : Yml.maps(container, "ports")) {
            if (p.equals(Yml.str(cp, "name")) || p.equals(Yml.str(cp, "containerPort"))) {
                return Integer.parseInt(Yml.str(cp, "containerPort"));
            }
        }
        return p.chars().allMatch(Character::isDigit) ? Integer.parseInt(p) : -1;
    }

    /** A Service by name, resolved to the workload its selector picks and the container port a service port targets. */
    record Endpoint(Map<String, Object> workload, int containerPort) {
    }

    Optional<Endpoint> resolveService(String serviceName, int port) {
        Map<String, Object> svc = find("Service", serviceName).orElse(null);
        if (svc == null) {
            return Optional.empty();
        }
        Map<String, String> selector = Yml.strings(svc, "spec", "selector");
        for (Map<String, Object> sp : Yml.maps(svc, "spec", "ports")) {
            if (!String.valueOf(port).equals(Yml.str(sp, "port"))) {
                continue;
            }
            Object target = Yml.at(sp, "targetPort") == null ? port : Yml.at(sp, "targetPort");
            for (Map<String, Object> w : workloads()) {
                Map<String, String> labels = podLabels(w);
                if (!selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                    for (Map<String, Object> c : containers(w)) {
                        int cp = containerPort(c, target);
                        if (cp > 0 && Yml.maps(c, "ports").stream().anyMatch(x -> String.valueOf(cp).equals(Yml.str(x, "containerPort")))) {
                            return Optional.of(new Endpoint(w, cp));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The rendered namespace of a namespaced object. */
    static String namespace(Map<String, Object> o) {
        return Yml.str(o, "metadata", "namespace");
    }
}
