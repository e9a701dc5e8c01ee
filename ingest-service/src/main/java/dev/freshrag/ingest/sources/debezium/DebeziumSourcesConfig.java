package dev.freshrag.ingest.sources.debezium;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debezium change-event topics the ingest-service reads, one declared mapping per source, under
 * {@code freshrag.sources.debezium."<name>".*}. None by default. Each mapping turns the rows of one table's topic into
 * FreshRAG documents; see {@link DebeziumMapping} for how the options are checked.
 */
@ConfigMapping(prefix = "freshrag.sources")
public interface DebeziumSourcesConfig {

    /** The mappings by name (letters, digits, '-' and '_'); the name appears in Kafka Streams node and store names. */
    Map<String, Source> debezium();

    interface Source {
        /** The Debezium topic of one table, e.g. {@code cms.public.pages}. It must exist before the service starts. */
        String topic();

        /** A fixed tenant for every row. Exactly one of {@code tenant} and {@code tenant-column} is set. */
        Optional<String> tenant();

        /** The column that holds each row's tenant. Exactly one of {@code tenant} and {@code tenant-column} is set. */
        Optional<String> tenantColumn();

        /**
         * The columns whose values, joined with '/', make the docId (usually the primary key). Their values must
         * be in every change event, deletes included: key columns are (Debezium's default replica identity).
         */
        List<String> docIdColumns();

        /** The column of the document's title; unset: no title. */
        Optional<String> titleColumn();

        /** The column of the document's text (a text column). */
        String contentColumn();

        /**
         * The column of each row's content type ({@code text/plain}, {@code text/markdown}, {@code text/html}); unset:
         * every row has {@code content-type}.
         */
        Optional<String> contentTypeColumn();

        /** The content type of every row when {@code content-type-column} is unset. */
        @WithDefault("text/plain")
        String contentType();

        /** Columns copied into the document's filterable metadata, under the column's name; a NULL is left out. */
        Optional<List<String>> metadataColumns();

        /**
         * The document version: {@code lsn} (default; the change's PostgreSQL log position, {@code source.lsn}),
         * {@code column:<name>} (a column that grows with every change and across a delete and re-insert of the key,
         * e.g. taken from a sequence), or {@code none}
         * (versionless: applied in log order, which Debezium keeps per row).
         */
        @WithDefault("lsn")
        @WithName("version")
        String version();
    }
}
