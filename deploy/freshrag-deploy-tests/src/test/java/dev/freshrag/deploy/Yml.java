package dev.freshrag.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-tolerant navigation of the maps and lists SnakeYAML produces. */
final class Yml {

    private Yml() {
    }

    /** The value at a path of map keys, or null when any step is missing or not a map. */
    static Object at(Object node, String... path) {
        Object cur = node;
        for (String key : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(key);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String... path) {
        Object v = at(node, path);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String... path) {
        Object v = at(node, path);
        return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object node, String... path) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list(node, path)) {
            if (o instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            }
        }
        return out;
    }

    /** A scalar as a string (numbers and booleans as YAML wrote them), or null. */
    static String str(Object node, String... path) {
        Object v = at(node, path);
        return v == null || v instanceof Map || v instanceof List ? null : String.valueOf(v);
    }

    static Map<String, String> strings(Object node, String... path) {
        Map<String, String> out = new LinkedHashMap<>();
        map(node, path).forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
        return out;
    }

    /** A deep copy, so a test can change a rendered object without touching the shared one. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T node) {
        if (node instanceof Map<?, ?> m) {
            Map<Object, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(k, copy(v)));
            return (T) c;
        }
        if (node instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(v -> c.add(copy(v)));
            return (T) c;
        }
        return node;
    }
}
