package dev.freshrag.index;

/**
 * A document the index holds, as its mark ({@link DocumentMark}) records it: for finding documents the pipeline's
 * state does not know (orphans).
 *
 * @param docId   the document's id
 * @param version the version the newest change applied to it labelled it with
 */
public record IndexedDocument(String docId, long version) {
}
