package dev.freshrag.index.select;

/** Which vector store the services use ({@code freshrag.index.kind}). */
public enum IndexKind {
    /** The embedded Lucene index: local mode and tests; one writer process, readers in others. */
    LUCENE,
    /** A Qdrant server: production. */
    QDRANT
}
