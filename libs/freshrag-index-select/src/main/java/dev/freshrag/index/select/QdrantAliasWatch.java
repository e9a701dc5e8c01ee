package dev.freshrag.index.select;

import dev.freshrag.index.qdrant.QdrantAliasTargets;

/** The Qdrant alias, read by a reader that follows it across generation switches (the query-service). */
public final class QdrantAliasWatch {

    private QdrantAliasWatch() {
    }

    /** On a new connection to the configured Qdrant ({@link IndexKind#QDRANT} only). */
    public static QdrantAliasTargets connect(IndexSettings settings) {
        if (settings.kind() != IndexKind.QDRANT) {
            throw new IllegalStateException("freshrag.index.kind is not qdrant");
        }
        return QdrantAliasTargets.connect(IndexOpener.qdrantOptions(settings.qdrant()));
    }
}
