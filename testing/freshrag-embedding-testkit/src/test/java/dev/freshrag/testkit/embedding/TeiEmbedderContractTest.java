package dev.freshrag.testkit.embedding;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.remote.RemoteEmbedder;
import dev.freshrag.embedding.remote.RemoteOptions;
import org.junit.jupiter.api.AfterAll;

/** backend=tei against the TEI protocol double (the real model behind it); small batches, so calls span several. */
class TeiEmbedderContractTest extends EmbedderContract {

    private final TeiServerDouble server = new TeiServerDouble();

    @Override
    protected Embedder open() {
        return RemoteEmbedder.tei(RemoteOptions.of(server.url()).withBatching(600, 8, 3));
    }

    @Override
    protected String expectedModelId() {
        return TeiServerDouble.MODEL_ID;
    }

    @Override
    protected boolean truncatesLongTexts() {
        return true;
    }

    @AfterAll
    void stopServer() {
        server.close();
    }
}
