package dev.freshrag.events;

/** What a document-change event asks for. */
public enum Op {
    UPSERT,
    DELETE
}
