package dev.freshrag.index.qdrant;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexBehaviour;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared behaviour suite against the adapter talking to the {@link InProcessQdrantProtocolDouble}.
 *
 * <p>This is <strong>not</strong> evidence that the adapter works with Qdrant: the double only imitates the parts of
 * Qdrant's semantics the adapter uses (see its documentation). It shows that the adapter's own logic (id derivation,
 * filters, payload round trips, offsets bookkeeping, validation) meets the port's contract on any server that behaves
 * like the double. {@code QdrantVectorIndexBehaviourTest} runs the same suite against a real Qdrant where Docker
 * exists.
 */
class InProcessQdrantBehaviourTest extends VectorIndexBehaviour<QdrantVectorIndex> {

    private final InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start();
    private final AtomicInteger counter = new AtomicInteger();

    @AfterEach
    void stopDouble() {
        qdrant.close();
    }

    /** Each index gets its own alias and collection prefix, as separate deployments sharing one Qdrant would. */
    @Override
    protected QdrantVectorIndex newIndex(IndexFingerprint fingerprint) {
        int n = counter.incrementAndGet();
        QdrantOptions options = QdrantOptions.defaults()
                .withAlias("behaviour-" + n)
                .withCollectionPrefix("behaviour-" + n)
                .withTimeout(Duration.ofSeconds(5));
        return QdrantVectorIndex.open(qdrant.newClient(), options, fingerprint);
    }

    /** The double keeps its state, so a reopen is a new client on the same alias, as a restarted process would do. */
    @Override
    protected QdrantVectorIndex reopen(QdrantVectorIndex q) {
        q.close();
        return QdrantVectorIndex.open(qdrant.newClient(), q.options(), q.fingerprint());
    }
}
