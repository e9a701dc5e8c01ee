package dev.freshrag.ingest.operator;

/**
 * One kb.dlq record as an operator sees it: where it is, why it is there (the {@code DlqHeaders}) and whose it is.
 * Key and value are not shown: a value may be megabytes of a tenant's text.
 *
 * @param tenant from the record key ({@code tenant/docId}); null if the key is not a document key
 */
public record DeadLetter(int partition, long offset, String reason, String field, String stage, String sourceTopic,
                         Integer sourcePartition, Long sourceOffset, String timestamp, String tenant, String key) {
}
