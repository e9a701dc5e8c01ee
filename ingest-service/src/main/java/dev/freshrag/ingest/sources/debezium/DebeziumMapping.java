package dev.freshrag.ingest.sources.debezium;

import dev.freshrag.events.ContentType;
import dev.freshrag.events.DocumentChangeValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One checked source mapping: how the rows of one Debezium topic become documents. Built from the configuration
 * at start, so a wrong mapping stops the service with a message naming the option instead of dead-lettering every
 * record later.
 *
 * @param tenant       the fixed tenant, or empty when {@code tenantColumn} names the column
 * @param contentType  the fixed content type, used when {@code contentTypeColumn} is empty
 */
public record DebeziumMapping(String name, String topic, Optional<String> tenant, Optional<String> tenantColumn,
                              List<String> docIdColumns, Optional<String> titleColumn, String contentColumn,
                              Optional<String> contentTypeColumn, String contentType, List<String> metadataColumns,
                              VersionSource version) {

    public DebeziumMapping {
        docIdColumns = List.copyOf(docIdColumns);
        metadataColumns = List.copyOf(metadataColumns);
    }

    /** Every configured mapping, checked, in name order (a stable topology). */
    public static List<DebeziumMapping> from(DebeziumSourcesConfig config) {
        List<DebeziumMapping> mappings = new ArrayList<>();
        new TreeMap<>(config.debezium()).forEach((name, source) -> mappings.add(from(name, source)));
        return mappings;
    }

    static DebeziumMapping from(String name, DebeziumSourcesConfig.Source s) {
        String prefix = "freshrag.sources.debezium.\"" + name + "\".";
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("freshrag.sources.debezium: the mapping name '" + name
                    + "' may hold only letters, digits, '-' and '_' (at most 64)");
        }
        if (s.tenant().isPresent() == s.tenantColumn().isPresent()) {
            throw new IllegalArgumentException(prefix + "tenant / tenant-column: set exactly one of them");
        }
        s.tenant().flatMap(DocumentChangeValidator::validateTenant).ifPresent(v -> {
            throw new IllegalArgumentException(prefix + "tenant: " + v.message());
        });
        if (s.docIdColumns().isEmpty() || s.docIdColumns().stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(prefix + "doc-id-columns: name at least one column");
        }
        if (s.contentTypeColumn().isEmpty() && ContentType.parse(s.contentType()).isEmpty()) {
            throw new IllegalArgumentException(prefix + "content-type: '" + s.contentType()
                    + "' is not text/plain, text/markdown or text/html");
        }
        VersionSource version = VersionSource.parse(s.version()).orElseThrow(() -> new IllegalArgumentException(
                prefix + "version: '" + s.version() + "' is not lsn, none or column:<name>"));
        return new DebeziumMapping(name, s.topic(), s.tenant(), s.tenantColumn(), s.docIdColumns(), s.titleColumn(),
                s.contentColumn(), s.contentTypeColumn(), s.contentType(), s.metadataColumns().orElse(List.of()), version);
    }

    /** A mapping with a fixed tenant, the LSN as version and no title, content-type or metadata columns (tests). */
    public static DebeziumMapping simple(String name, String topic, String tenant, String docIdColumn, String contentColumn) {
        return new DebeziumMapping(name, topic, Optional.of(tenant), Optional.empty(), List.of(docIdColumn), Optional.empty(),
                contentColumn, Optional.empty(), "text/plain", List.of(), new VersionSource.Lsn());
    }

    /** Kafka Streams node and store names of this mapping's sub-topology. */
    public String nodeName(String role) {
        return "debezium-" + name + "-" + role;
    }
}
