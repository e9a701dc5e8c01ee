package dev.freshrag.index.qdrant;

import io.qdrant.client.QdrantClient;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

/**
 * {@link GenerationSwitchScenarios} against a real Qdrant in a container: the server itself resolves the alias and
 * applies the delete+create switch. Needs Docker; without it the class is reported as skipped (not absent), e.g. on
 * the build machines of this project. Not yet run against a real server.
 *
 * <p>Where Docker exists: {@code ./mvnw -pl :freshrag-index-qdrant -am verify} (another image with
 * {@code -Dfreshrag.qdrant.image=...}, as {@link QdrantVectorIndexBehaviourTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantGenerationSwitchTest extends GenerationSwitchScenarios {

    @Container
    static final QdrantContainer QDRANT = new QdrantContainer(QdrantVectorIndexBehaviourTest.IMAGE);

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** One alias and collection prefix per test (JUnit makes an instance per test). */
    private final String name = "gen-" + RUN + "-" + COUNTER.incrementAndGet();

    @Override
    protected QdrantClient newClient() {
        return QdrantVectorIndex.newClient(options());
    }

    @Override
    protected QdrantOptions options() {
        return QdrantOptions.defaults()
                .withEndpoint(QDRANT.getHost(), QDRANT.getGrpcPort())
                .withTimeout(Duration.ofSeconds(30))
                .withAlias(name)
                .withCollectionPrefix(name);
    }
}
