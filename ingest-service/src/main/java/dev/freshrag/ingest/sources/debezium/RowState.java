package dev.freshrag.ingest.sources.debezium;

/**
 * What the ingest-service remembers of one source row (state store, keyed by the row's Debezium key): the document
 * it became and a hash of its mapped columns. The hash is what lets an update that touched only unmapped columns
 * produce no work even without the row's {@code before} image (PostgreSQL sends it only with REPLICA IDENTITY FULL);
 * the document key is what lets a tombstone, which carries only the row key, delete the right document when the
 * tenant comes from a column.
 *
 * @param documentKey {@code tenant/docId}
 * @param hash        SHA-256 (hex) of the mapped columns, version excluded
 */
public record RowState(String documentKey, String hash) {
}
