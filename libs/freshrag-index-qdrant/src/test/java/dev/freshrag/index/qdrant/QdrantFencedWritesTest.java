package dev.freshrag.index.qdrant;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

/**
 * {@link FencedWritesScenarios} against a real Qdrant in a container: the server itself applies the adapter's
 * {@code update_filter}s and filtered deletes, not the protocol double. Needs Docker; without it the class is reported
 * as skipped (not absent), e.g. on the build machines of this project. Not yet run against a real server.
 *
 * <p>Where Docker exists: {@code ./mvnw -pl :freshrag-index-qdrant -am verify} (another image with
 * {@code -Dfreshrag.qdrant.image=...}, as {@link QdrantVectorIndexBehaviourTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantFencedWritesTest extends FencedWritesScenarios {

    @Container
    static final QdrantContainer QDRANT = new QdrantContainer(QdrantVectorIndexBehaviourTest.IMAGE);

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** One collection per test (JUnit makes an instance per test), shared by the test's writers. */
    private final String name = "fenced-" + RUN + "-" + COUNTER.incrementAndGet();

    @Override
    protected QdrantVectorIndex newWriter() {
        return QdrantVectorIndex.connect(QdrantOptions.defaults()
                .withEndpoint(QDRANT.getHost(), QDRANT.getGrpcPort())
                .withTimeout(Duration.ofSeconds(30))
                .withAlias(name)
                .withCollectionPrefix(name), FP);
    }
}
