package dev.freshrag.embed.reindex;

import dev.freshrag.index.qdrant.InProcessQdrantProtocolDouble;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The application with its index on Qdrant: the protocol double ({@link InProcessQdrantProtocolDouble}, no Qdrant
 * server can run here) listening on a local port, as the service connects to a real one by host and port.
 */
public class QdrantIndexProfile implements QuarkusTestProfile {

    /** The alias (and collection prefix) the application writes under. */
    public static final String ALIAS = "rxq";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(QdrantDoubleResource.class));
    }

    /** Starts the double on a free port; overrides the Lucene index of the module's common resources. */
    public static class QdrantDoubleResource implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
        private InProcessQdrantProtocolDouble qdrant;

        @Override
        public Map<String, String> start() {
            qdrant = InProcessQdrantProtocolDouble.start();
            int port = qdrant.listen();
            // its own kb.generations: the Lucene reindex tests of this module share the broker, and their records
            // (g1 active, g2 dropped...) are another index's plan
            String generations = dev.freshrag.testkit.KafkaBroker.shared()
                    .createTopics(dev.freshrag.testkit.KafkaBroker.uniquePrefix(), 3).generations();
            return Map.of(
                    "freshrag.topics.generations", generations,
                    "freshrag.index.kind", "qdrant",
                    "freshrag.index.qdrant.host", "localhost",
                    "freshrag.index.qdrant.port", Integer.toString(port),
                    "freshrag.index.qdrant.alias", ALIAS,
                    "freshrag.index.qdrant.collection-prefix", ALIAS);
        }

        @Override
        public void stop() {
            if (qdrant != null) {
                qdrant.close();
            }
        }

        @Override
        public int order() {
            // after ConsumerTestResources.EmptyIndex (order 0), whose freshrag.index.kind=lucene this overrides
            return 100;
        }
    }
}
