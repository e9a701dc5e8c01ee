package dev.freshrag.index.qdrant;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.LexicalSearchBehaviour;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

/**
 * The shared lexical and hybrid suite against a real Qdrant in a container (sparse vectors with the IDF modifier).
 * Needs Docker; without it the class is reported as skipped. Not yet run against a real server.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantLexicalBehaviourTest extends LexicalSearchBehaviour<QdrantVectorIndex> {

    @Container
    static final QdrantContainer QDRANT = new QdrantContainer(QdrantVectorIndexBehaviourTest.IMAGE);

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected QdrantVectorIndex newIndex(IndexFingerprint fingerprint) {
        String name = "lex-" + RUN + "-" + COUNTER.incrementAndGet();
        return QdrantVectorIndex.connect(QdrantOptions.defaults()
                .withEndpoint(QDRANT.getHost(), QDRANT.getGrpcPort())
                .withTimeout(Duration.ofSeconds(30))
                .withAlias(name)
                .withCollectionPrefix(name), fingerprint);
    }
}
