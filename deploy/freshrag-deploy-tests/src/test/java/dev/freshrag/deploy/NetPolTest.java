package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NetworkPolicy evaluator against hand-written policies with known answers. */
class NetPolTest {

    private static final Map<String, Object> CONTAINER = Map.of("ports", List.of(Map.of("name", "grpc", "containerPort", 6334)));
    private static final Map<String, String> DB = Map.of("app", "db");
    private static final NetPol.Source API = NetPol.Source.pod("ns", Map.of("app", "api"));
    private static final NetPol.Source WORKER = NetPol.Source.pod("ns", Map.of("app", "worker"));
    private static final NetPol.Source OTHER_NS_API = NetPol.Source.pod("other", Map.of("app", "api"));

    private static List<Map<String, Object>> parse(String yaml) {
        return Rendered.parse(yaml);
    }

    @Test
    void withoutPoliciesEverythingIsAllowed() {
        assertTrue(NetPol.allows(List.of(), "ns", DB, CONTAINER, 6334, WORKER));
    }

    @Test
    void defaultDenyDeniesAndARuleAllowsOnlyItsPeersAndPorts() {
        List<Map<String, Object>> p = parse("""
                kind: NetworkPolicy
                metadata: {name: deny, namespace: ns}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                ---
                kind: NetworkPolicy
                metadata: {name: db, namespace: ns}
                spec:
                  podSelector: {matchLabels: {app: db}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{podSelector: {matchLabels: {app: api}}}]
                      ports: [{port: grpc}]
                """);
        assertTrue(NetPol.allows(p, "ns", DB, CONTAINER, 6334, API));
        assertFalse(NetPol.allows(p, "ns", DB, CONTAINER, 6334, WORKER), "not a listed peer");
        assertFalse(NetPol.allows(p, "ns", DB, CONTAINER, 6333, API), "not a listed port");
        assertFalse(NetPol.allows(p, "ns", DB, CONTAINER, 6334, OTHER_NS_API), "a podSelector alone means the policy's namespace");
    }

    @Test
    void namespaceSelectorsAndExpressions() {
        List<Map<String, Object>> p = parse("""
                kind: NetworkPolicy
                metadata: {name: db, namespace: ns}
                spec:
                  podSelector: {matchExpressions: [{key: app, operator: In, values: [db, cache]}]}
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}, podSelector: {matchLabels: {app: api}}}]
                """);
        assertTrue(NetPol.allows(p, "ns", DB, CONTAINER, 1234, OTHER_NS_API));
        assertFalse(NetPol.allows(p, "ns", DB, CONTAINER, 1234, API));
        assertTrue(NetPol.allows(p, "ns", Map.of("app", "web"), CONTAINER, 1234, WORKER), "a pod no policy selects is not isolated");
    }

    @Test
    void anEmptyRuleAllowsEverything() {
        List<Map<String, Object>> p = parse("""
                kind: NetworkPolicy
                metadata: {name: open, namespace: ns}
                spec: {podSelector: {matchLabels: {app: db}}, ingress: [{}]}
                """);
        assertTrue(NetPol.allows(p, "ns", DB, CONTAINER, 1, OTHER_NS_API));
    }
}
