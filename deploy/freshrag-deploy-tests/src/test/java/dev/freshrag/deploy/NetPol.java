package dev.freshrag.deploy;

import java.util.List;
import java.util.Map;

/**
 * Decides, from rendered NetworkPolicy objects, whether a pod may open a TCP connection to another pod's
 * port, following the Kubernetes semantics for ingress: a pod selected by no ingress policy accepts
 * everything; a selected pod accepts what at least one rule of one selecting policy allows.
 * Supported: podSelector, namespaceSelector (matchLabels and matchExpressions), ports by number or name,
 * endPort. ipBlock peers never match a pod here (they are for traffic from outside the cluster).
 */
final class NetPol {

    /** A pod that opens a connection: its namespace, that namespace's labels, its own labels. */
    record Source(String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {

        static Source pod(String namespace, Map<String, String> labels) {
            return new Source(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels);
        }
    }

    private NetPol() {
    }

    /**
     * @param policies  all rendered NetworkPolicies
     * @param namespace the target pod's namespace
     * @param target    the target pod's labels
     * @param container the target container (to resolve named ports)
     * @param port      the port connected to
     */
    static boolean allows(List<Map<String, Object>> policies, String namespace, Map<String, String> target,
            Map<String, Object> container, int port, Source source) {
        boolean isolated = false;
        for (Map<String, Object> np : policies) {
            if (!namespace.equals(Rendered.namespace(np)) || !selects(Yml.map(np, "spec", "podSelector"), target)
                    || !hasIngressType(np)) {
                continue;
            }
            isolated = true;
            for (Map<String, Object> rule : Yml.maps(np, "spec", "ingress")) {
                if (portMatches(rule, container, port) && peerMatches(rule, namespace, source)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    /**
     * Whether a pod (labels {@code source}) may open a connection to a pod of the same namespace ({@code target},
     * its container and port) as far as egress policies go: unrestricted unless an Egress policy selects the source,
     * then some such policy must have a rule whose peers include the target and whose ports include the port.
     */
    static boolean allowsEgress(List<Map<String, Object>> policies, Map<String, String> source, Map<String, String> target,
                                Map<String, Object> targetContainer, int port) {
        List<Map<String, Object>> selecting = policies.stream()
                .filter(np -> Yml.list(np, "spec", "policyTypes").contains("Egress"))
                .filter(np -> selects(Yml.map(np, "spec", "podSelector"), source)).toList();
        if (selecting.isEmpty()) {
            return true;
        }
        for (Map<String, Object> np : selecting) {
            for (Map<String, Object> rule : Yml.maps(np, "spec", "egress")) {
                boolean peer = Yml.at(rule, "to") == null || Yml.list(rule, "to").isEmpty()
                        || Yml.maps(rule, "to").stream().anyMatch(t -> Yml.at(t, "namespaceSelector") == null
                        && Yml.at(t, "podSelector") != null && selects(Yml.map(t, "podSelector"), target));
                if (peer && portMatches(rule, targetContainer, port)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasIngressType(Map<String, Object> np) {
        List<Object> types = Yml.list(np, "spec", "policyTypes");
        return types.isEmpty() || types.contains("Ingress");
    }

    private static boolean portMatches(Map<String, Object> rule, Map<String, Object> container, int port) {
        List<Map<String, Object>> ports = Yml.maps(rule, "ports");
        if (Yml.at(rule, "ports") == null || ports.isEmpty()) {
            return true;
        }
        for (Map<String, Object> p : ports) {
            String protocol = Yml.str(p, "protocol");
            if (protocol != null && !protocol.equals("TCP")) {
                continue;
            }
            Object value = Yml.at(p, "port");
            if (value == null) {
                return true;
            }
            int from = Rendered.containerPort(container, value);
            String end = Yml.str(p, "endPort");
            int to = end == null ? from : Integer.parseInt(end);
            if (from > 0 && port >= from && port <= to) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(Map<String, Object> rule, String namespace, Source source) {
        if (Yml.at(rule, "from") == null || Yml.list(rule, "from").isEmpty()) {
            return true;
        }
        for (Map<String, Object> peer : Yml.maps(rule, "from")) {
            Object podSel = Yml.at(peer, "podSelector");
            Object nsSel = Yml.at(peer, "namespaceSelector");
            if (podSel == null && nsSel == null) {
                continue; // ipBlock
            }
            boolean nsOk = nsSel == null ? source.namespace().equals(namespace) : selects(Yml.map(peer, "namespaceSelector"), source.namespaceLabels());
            boolean podOk = podSel == null || selects(Yml.map(peer, "podSelector"), source.labels());
            if (nsOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** Label selector semantics; an empty selector selects everything. */
    static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : Yml.strings(selector, "matchLabels").entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Map<String, Object> expr : Yml.maps(selector, "matchExpressions")) {
            String key = Yml.str(expr, "key");
            List<Object> values = Yml.list(expr, "values");
            String op = Yml.str(expr, "operator");
            boolean ok = switch (op == null ? "" : op) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalArgumentException("unknown selector operator " + op);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
