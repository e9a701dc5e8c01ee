package dev.freshrag.index.qdrant;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.LexicalSearchBehaviour;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared lexical and hybrid suite against the adapter talking to the {@link InProcessQdrantProtocolDouble}, whose
 * sparse search with the IDF modifier follows Qdrant's formula (see its documentation). Like
 * {@link InProcessQdrantBehaviourTest}, it checks the adapter's logic, not Qdrant; {@code QdrantLexicalBehaviourTest}
 * runs the same suite against a real Qdrant where Docker exists.
 */
class InProcessQdrantLexicalBehaviourTest extends LexicalSearchBehaviour<QdrantVectorIndex> {

    private final InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start();
    private final AtomicInteger counter = new AtomicInteger();

    @AfterEach
    void stopDouble() {
        qdrant.close();
    }

    @Override
    protected QdrantVectorIndex newIndex(IndexFingerprint fingerprint) {
        int n = counter.incrementAndGet();
        QdrantOptions options = QdrantOptions.defaults()
                .withAlias("lexical-" + n)
                .withCollectionPrefix("lexical-" + n)
                .withTimeout(Duration.ofSeconds(5));
        return QdrantVectorIndex.open(qdrant.newClient(), options, fingerprint);
    }
}
