package dev.freshrag.ingest.sources.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The mapping as SmallRye Config reads it: from properties (a quoted name may hold dots) and from environment
 * variables, the form deploy/k8s/overlays/dev-debezium uses.
 */
class DebeziumSourcesConfigTest {

    private static DebeziumSourcesConfig read(org.eclipse.microprofile.config.spi.ConfigSource source) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(DebeziumSourcesConfig.class).withSources(source).build();
        return config.getConfigMapping(DebeziumSourcesConfig.class);
    }

    @Test
    void environmentVariablesDeclareAMapping() {
        DebeziumSourcesConfig c = read(new EnvConfigSource(Map.of(
                "FRESHRAG_SOURCES_DEBEZIUM_PAGES_TOPIC", "cms.public.pages",
                "FRESHRAG_SOURCES_DEBEZIUM_PAGES_TENANT", "cms",
                "FRESHRAG_SOURCES_DEBEZIUM_PAGES_DOC_ID_COLUMNS", "id",
                "FRESHRAG_SOURCES_DEBEZIUM_PAGES_CONTENT_COLUMN", "body",
                "FRESHRAG_SOURCES_DEBEZIUM_PAGES_METADATA_COLUMNS", "section,language"), 300));
        DebeziumMapping m = DebeziumMapping.from(c).get(0);
        assertThat(m.name()).isEqualTo("pages");
        assertThat(m.topic()).isEqualTo("cms.public.pages");
        assertThat(m.tenant()).contains("cms");
        assertThat(m.docIdColumns()).containsExactly("id");
        assertThat(m.metadataColumns()).containsExactly("section", "language");
        assertThat(m.contentType()).isEqualTo("text/plain");
        assertThat(m.version()).isEqualTo(new VersionSource.Lsn());
    }

    @Test
    void propertiesDeclareMappingsAndNoneIsTheDefault() {
        DebeziumSourcesConfig c = read(new PropertiesConfigSource(Map.of(
                "freshrag.sources.debezium.\"wiki.pages\".topic", "wiki.public.pages",
                "freshrag.sources.debezium.\"wiki.pages\".tenant-column", "space",
                "freshrag.sources.debezium.\"wiki.pages\".doc-id-columns", "space,slug",
                "freshrag.sources.debezium.\"wiki.pages\".content-column", "body",
                "freshrag.sources.debezium.\"wiki.pages\".version", "column:revision"), "test", 250));
        assertThat(c.debezium()).containsOnlyKeys("wiki.pages");
        DebeziumSourcesConfig.Source s = c.debezium().get("wiki.pages");
        assertThat(s.tenantColumn()).contains("space");
        assertThat(s.docIdColumns()).isEqualTo(List.of("space", "slug"));
        assertThat(s.titleColumn()).isEqualTo(Optional.empty());
        assertThat(s.version()).isEqualTo("column:revision");
        // the name also names Kafka Streams stores: a dotted one is refused at start
        assertThatThrownBy(() -> DebeziumMapping.from(c)).hasMessageContaining("the mapping name 'wiki.pages'");

        assertThat(read(new PropertiesConfigSource(Map.of(), "empty", 250)).debezium()).isEmpty();
    }
}
