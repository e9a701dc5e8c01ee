package dev.freshrag.index.select;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndex;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneVectorIndex;
import dev.freshrag.index.qdrant.QdrantOptions;
import dev.freshrag.index.qdrant.QdrantVectorIndex;
import java.nio.file.Path;

/** Opens the configured {@link VectorIndex}: the single writer (embed-service) or a reader (query-service). */
public final class IndexOpener {

    public enum Role {
        /** The embed-service: the only process that writes. */
        WRITER,
        /** The query-service: reads only; for Lucene another process's index directory. */
        READER
    }

    private IndexOpener() {
    }

    public static VectorIndex open(IndexSettings settings, IndexFingerprint fingerprint, Role role) {
        return switch (settings.kind()) {
            case LUCENE -> openLucene(settings.lucene(), fingerprint, role);
            case QDRANT -> QdrantVectorIndex.connect(qdrantOptions(settings.qdrant()), fingerprint);
        };
    }

    static VectorIndex openLucene(IndexSettings.Lucene l, IndexFingerprint fingerprint, Role role) {
        Path path = Path.of(l.path()).toAbsolutePath();
        LuceneOptions options = LuceneOptions.defaults()
                .withHnsw(l.hnswMaxConn(), l.hnswBeamWidth())
                .withRefreshInterval(l.refreshInterval());
        return role == Role.WRITER
                ? LuceneVectorIndex.openWriter(path, fingerprint, options)
                : LuceneVectorIndex.openReader(path, fingerprint, options);
    }

    static QdrantOptions qdrantOptions(IndexSettings.Qdrant q) {
        QdrantOptions o = QdrantOptions.defaults()
                .withEndpoint(q.host(), q.port())
                .withApiKey(q.apiKey().orElse(null))
                .withTls(q.tls())
                .withTimeout(q.timeout())
                .withCollectionPrefix(q.collectionPrefix())
                .withAlias(q.alias());
        if (q.shardNumber().isPresent()) {
            o = o.withShardNumber(q.shardNumber().getAsInt());
        }
        if (q.replicationFactor().isPresent()) {
            o = o.withReplicationFactor(q.replicationFactor().getAsInt());
        }
        return o;
    }

    /** Where the index is, for logs: never the API key. */
    public static String describe(IndexSettings settings) {
        return settings.kind() == IndexKind.LUCENE
                ? "embedded Lucene index at " + Path.of(settings.lucene().path()).toAbsolutePath()
                : "Qdrant at " + settings.qdrant().host() + ":" + settings.qdrant().port() + " (alias " + settings.qdrant().alias() + ")";
    }
}
