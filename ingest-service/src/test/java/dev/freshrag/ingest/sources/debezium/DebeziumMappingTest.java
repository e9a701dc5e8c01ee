package dev.freshrag.ingest.sources.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A wrong source mapping stops the service at start, naming the option. */
class DebeziumMappingTest {

    /** The configuration interface filled in by hand (the Quarkus mapping is what tests elsewhere exercise). */
    private record SourceValues(String topic, Optional<String> tenant, Optional<String> tenantColumn, List<String> docIdColumns,
                                Optional<String> titleColumn, String contentColumn, Optional<String> contentTypeColumn,
                                String contentType, Optional<List<String>> metadataColumns, String version)
            implements DebeziumSourcesConfig.Source {
    }

    private static SourceValues valid() {
        return new SourceValues("cms.public.pages", Optional.of("acme"), Optional.empty(), List.of("id"), Optional.of("title"), "body",
                Optional.empty(), "text/markdown", Optional.of(List.of("team")), "lsn");
    }

    @Test
    void aValidMappingIsRead() {
        DebeziumMapping m = DebeziumMapping.from("pages", valid());
        assertThat(m.tenant()).contains("acme");
        assertThat(m.version()).isEqualTo(new VersionSource.Lsn());
        assertThat(m.metadataColumns()).containsExactly("team");
        assertThat(DebeziumMapping.from("pages", withVersion("column:row_version")).version()).isEqualTo(new VersionSource.Column("row_version"));
        assertThat(DebeziumMapping.from("pages", withVersion("none")).version()).isEqualTo(new VersionSource.None());
    }

    private static SourceValues withVersion(String version) {
        SourceValues v = valid();
        return new SourceValues(v.topic(), v.tenant(), v.tenantColumn(), v.docIdColumns(), v.titleColumn(), v.contentColumn(),
                v.contentTypeColumn(), v.contentType(), v.metadataColumns(), version);
    }

    @Test
    void wrongMappingsNameTheOption() {
        SourceValues v = valid();
        assertThatThrownBy(() -> DebeziumMapping.from("pages", new SourceValues(v.topic(), Optional.of("acme"), Optional.of("tenant"),
                v.docIdColumns(), v.titleColumn(), v.contentColumn(), v.contentTypeColumn(), v.contentType(), v.metadataColumns(), "lsn")))
                .hasMessage("freshrag.sources.debezium.\"pages\".tenant / tenant-column: set exactly one of them");
        assertThatThrownBy(() -> DebeziumMapping.from("pages", new SourceValues(v.topic(), Optional.of("Not A Tenant"), Optional.empty(),
                v.docIdColumns(), v.titleColumn(), v.contentColumn(), v.contentTypeColumn(), v.contentType(), v.metadataColumns(), "lsn")))
                .hasMessageStartingWith("freshrag.sources.debezium.\"pages\".tenant: ");
        assertThatThrownBy(() -> DebeziumMapping.from("pages", new SourceValues(v.topic(), v.tenant(), v.tenantColumn(),
                List.of(), v.titleColumn(), v.contentColumn(), v.contentTypeColumn(), v.contentType(), v.metadataColumns(), "lsn")))
                .hasMessageContaining("doc-id-columns");
        assertThatThrownBy(() -> DebeziumMapping.from("pages", new SourceValues(v.topic(), v.tenant(), v.tenantColumn(),
                v.docIdColumns(), v.titleColumn(), v.contentColumn(), v.contentTypeColumn(), "application/pdf", v.metadataColumns(), "lsn")))
                .hasMessageContaining("content-type: 'application/pdf'");
        assertThatThrownBy(() -> DebeziumMapping.from("pages", withVersion("ts_ms")))
                .hasMessage("freshrag.sources.debezium.\"pages\".version: 'ts_ms' is not lsn, none or column:<name>");
        assertThatThrownBy(() -> DebeziumMapping.from("pages.v2", valid())).hasMessageContaining("mapping name 'pages.v2'");
    }
}
