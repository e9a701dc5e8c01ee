package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The mapping model gives SmallRye Config's names and the right "required" answer for each kind of property. */
class MappingModelTest {

    private static final Map<String, MappedProperty> BY_NAME = MappingModel.properties(FixtureConfig.class).stream()
            .collect(Collectors.toMap(MappedProperty::name, p -> p, (a, b) -> a, TreeMap::new));

    @Test
    void namesFollowSmallRyeNaming() {
        assertEquals(new java.util.TreeSet<>(java.util.List.of(
                "fixture.required-leaf", "fixture.with-default", "fixture.required-primitive", "fixture.optional-leaf",
                "fixture.optional-int", "fixture.renamed", "fixture.http-url-path", "fixture.required-list", "fixture.defaulted-list",
                "fixture.labels.*", "fixture.tenants.*.adapter", "fixture.group.inner", "fixture.group.inner-default",
                "fixture.optional-group.inner", "fixture.optional-group.inner-default", "fixture.flat-leaf")), BY_NAME.keySet());
    }

    @Test
    void requiredMeansNoDefaultNotOptionalAndNotUnderAnOptionalGroupOrMap() {
        Map<String, Boolean> required = new TreeMap<>();
        BY_NAME.forEach((n, p) -> required.put(n, p.required()));
        assertEquals(Map.ofEntries(
                Map.entry("fixture.required-leaf", true), Map.entry("fixture.with-default", false), Map.entry("fixture.required-primitive", true),
                Map.entry("fixture.optional-leaf", false), Map.entry("fixture.optional-int", false), Map.entry("fixture.renamed", true),
                Map.entry("fixture.http-url-path", true), Map.entry("fixture.required-list", true), Map.entry("fixture.defaulted-list", false),
                Map.entry("fixture.labels.*", false), Map.entry("fixture.tenants.*.adapter", false), Map.entry("fixture.group.inner", true),
                Map.entry("fixture.group.inner-default", false), Map.entry("fixture.optional-group.inner", false),
                Map.entry("fixture.optional-group.inner-default", false), Map.entry("fixture.flat-leaf", true)), new TreeMap<>(required));
        assertEquals("5", BY_NAME.get("fixture.with-default").defaultValue());
    }

    @Test
    void environmentNamesMatchLikeMicroProfileConfigMapsThem() {
        assertTrue(BY_NAME.get("fixture.http-url-path").envPattern().matcher("FIXTURE_HTTP_URL_PATH").matches());
        assertTrue(BY_NAME.get("fixture.tenants.*.adapter").envPattern().matcher("FIXTURE_TENANTS_ACME_ADAPTER").matches());
        assertTrue(BY_NAME.get("fixture.labels.*").envPattern().matcher("FIXTURE_LABELS_TEAM").matches());
        assertFalse(BY_NAME.get("fixture.tenants.*.adapter").envPattern().matcher("FIXTURE_TENANTS_ADAPTERS").matches());
        assertFalse(BY_NAME.get("fixture.required-leaf").envPattern().matcher("FIXTURE_REQUIRED_LEAF_X").matches());
        assertEquals("KAFKA_STREAMS_STATE_DIR", MappedProperty.envName("kafka-streams.state.dir"));
        assertEquals("QUARKUS_LOG_CATEGORY__ORG_APACHE_KAFKA__LEVEL", MappedProperty.envName("quarkus.log.category.\"org.apache.kafka\".level"));
    }

    @Test
    void anInterfaceWithoutConfigMappingIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> MappingModel.properties(FixtureConfig.Group.class));
    }
}
