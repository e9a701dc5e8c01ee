package dev.freshrag.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One CustomResourceDefinition as the API server uses it to admit objects: which versions it serves and each
 * version's structural OpenAPI v3 schema. Checks what a structural schema decides (known fields, types, enums,
 * required fields, int-or-string, preserve-unknown-fields); the CEL rules and oneOf/anyOf constraints Strimzi adds on
 * top are left to the operator's own validation.
 */
final class CrdSchema {

    final String group;
    final String kind;
    private final List<Map<String, Object>> versions;

    private CrdSchema(Map<String, Object> crd) {
        this.group = Yml.str(crd, "spec", "group");
        this.kind = Yml.str(crd, "spec", "names", "kind");
        this.versions = Yml.maps(crd, "spec", "versions");
    }

    /** A CRD from the test resources. */
    static CrdSchema resource(String path) {
        try (InputStream in = Objects.requireNonNull(CrdSchema.class.getResourceAsStream(path), path)) {
            Map<String, Object> crd = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return new CrdSchema(crd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> servedVersions() {
        return versions.stream().filter(v -> Boolean.TRUE.equals(v.get("served"))).map(v -> Yml.str(v, "name")).toList();
    }

    /** Problems of one object against this CRD: an unserved apiVersion, or what its version's schema rejects. */
    List<String> validate(Map<String, Object> object) {
        List<String> problems = new ArrayList<>();
        String id = kind + " " + Rendered.name(object);
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        if (!apiVersion.startsWith(group + "/") || !servedVersions().contains(version)) {
            problems.add(id + ": apiVersion " + apiVersion + " is not served by the " + kind + " CRD (served: " + group + "/" + servedVersions() + ")");
            return problems;
        }
        Map<String, Object> schema = versions.stream().filter(v -> version.equals(v.get("name"))).findFirst()
                .map(v -> Yml.map(v, "schema", "openAPIV3Schema")).orElseThrow();
        Map<String, Object> withoutMetadata = new java.util.LinkedHashMap<>(object);
        withoutMetadata.remove("metadata"); // ObjectMeta: validated by the API server's own schema, not the CRD's
        check(withoutMetadata, schema, "", id, problems);
        return problems;
    }

    private static void check(Object node, Map<String, Object> schema, String path, String id, List<String> problems) {
        String at = path.isEmpty() ? "the top" : path;
        if (node == null) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                problems.add(id + ": " + at + " is null");
            }
            return;
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(node instanceof Integer || node instanceof Long || node instanceof String)) {
                problems.add(id + ": " + at + " must be an integer or a string");
            }
            return;
        }
        List<Object> allowed = Yml.list(schema, "enum");
        if (!allowed.isEmpty() && !allowed.contains(node)) {
            problems.add(id + ": " + at + " is " + node + ", not one of " + allowed);
        }
        String type = Yml.str(schema, "type");
        if (type == null) {
            return;
        }
        switch (type) {
            case "object" -> object(node, schema, path, id, problems, at);
            case "array" -> {
                if (!(node instanceof List<?> list)) {
                    problems.add(id + ": " + at + " must be an array");
                    return;
                }
                Map<String, Object> items = Yml.map(schema, "items");
                for (int i = 0; i < list.size(); i++) {
                    check(list.get(i), items, path + "[" + i + "]", id, problems);
                }
            }
            case "string" -> expect(node instanceof String, id, at, "a string", problems);
            case "integer" -> expect(node instanceof Integer || node instanceof Long, id, at, "an integer", problems);
            case "number" -> expect(node instanceof Number, id, at, "a number", problems);
            case "boolean" -> expect(node instanceof Boolean, id, at, "a boolean", problems);
            default -> problems.add(id + ": " + at + " has an unknown schema type " + type);
        }
    }

    private static void object(Object node, Map<String, Object> schema, String path, String id, List<String> problems, String at) {
        if (!(node instanceof Map<?, ?> map)) {
            problems.add(id + ": " + at + " must be an object");
            return;
        }
        for (Object required : Yml.list(schema, "required")) {
            if (!map.containsKey(required)) {
                problems.add(id + ": " + at + " lacks the required field " + required);
            }
        }
        Map<String, Object> properties = Yml.map(schema, "properties");
        Object additional = schema.get("additionalProperties");
        boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            String child = path.isEmpty() ? key : path + "." + key;
            if (properties.containsKey(key)) {
                check(e.getValue(), Yml.map(properties, key), child, id, problems);
            } else if (additional instanceof Map<?, ?>) {
                check(e.getValue(), Yml.map(schema, "additionalProperties"), child, id, problems);
            } else if (!preserve) {
                problems.add(id + ": unknown field " + child + " (the CRD's schema has no such field)");
            }
        }
    }

    private static void expect(boolean ok, String id, String at, String what, List<String> problems) {
        if (!ok) {
            problems.add(id + ": " + at + " must be " + what);
        }
    }
}
