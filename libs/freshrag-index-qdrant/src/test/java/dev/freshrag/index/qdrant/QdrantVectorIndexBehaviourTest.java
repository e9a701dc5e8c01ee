package dev.freshrag.index.qdrant;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexBehaviour;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

/**
 * The shared behaviour suite against a real Qdrant in a container. Needs Docker; without it the whole class is
 * reported as skipped (not absent), e.g. on the build machines of this project.
 *
 * <p>Run it where Docker exists with {@code ./mvnw -pl :freshrag-index-qdrant -am verify}; another image with
 * {@code -Dfreshrag.qdrant.image=qdrant/qdrant:v1.16.3}.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantVectorIndexBehaviourTest extends VectorIndexBehaviour<QdrantVectorIndex> {

    /** The server matching the client (io.qdrant:client 1.17.0); the client accepts servers one minor version apart. */
    static final String IMAGE = System.getProperty("freshrag.qdrant.image", "qdrant/qdrant:v1.17.0");

    @Container
    static final QdrantContainer QDRANT = new QdrantContainer(IMAGE);

    /** One container for the class: each index gets its own alias and collections, so tests never share data. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected QdrantVectorIndex newIndex(IndexFingerprint fingerprint) {
        String name = "it-" + RUN + "-" + COUNTER.incrementAndGet();
        QdrantOptions options = QdrantOptions.defaults()
                .withEndpoint(QDRANT.getHost(), QDRANT.getGrpcPort())
                .withTimeout(Duration.ofSeconds(30)) // collection creation goes through consensus; CI machines are slow
                .withAlias(name)
                .withCollectionPrefix(name);
        return QdrantVectorIndex.connect(options, fingerprint);
    }

    /** Closes the connection and connects again to the same alias, as a restarted service would. */
    @Override
    protected QdrantVectorIndex reopen(QdrantVectorIndex q) {
        q.close();
        return QdrantVectorIndex.connect(q.options(), q.fingerprint());
    }
}
