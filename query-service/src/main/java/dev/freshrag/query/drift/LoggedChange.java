package dev.freshrag.query.drift;

/**
 * The newest accepted change of one document in the window: its version (null when the change was versionless),
 * whether it deleted the document, and when it was written (epoch ms, the record's timestamp).
 */
public record LoggedChange(String tenant, String docId, Long version, boolean deleted, long writtenAt) {
}
