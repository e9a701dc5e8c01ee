package dev.freshrag.testkit.embedding;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.remote.RemoteEmbedder;
import dev.freshrag.embedding.remote.RemoteOptions;
import org.junit.jupiter.api.AfterAll;

/**
 * backend=openai against the OpenAI-compatible double, answering {@code data} out of order (allowed by the API)
 * so that a client placing vectors by position instead of {@code index} fails the order and equality tests.
 */
class OpenAiEmbedderContractTest extends EmbedderContract {

    private final OpenAiEmbeddingsServerDouble server = new OpenAiEmbeddingsServerDouble();

    OpenAiEmbedderContractTest() {
        server.answerOutOfOrder(true);
    }

    @Override
    protected Embedder open() {
        return RemoteEmbedder.openAi(RemoteOptions.of(server.url()).withModel(OpenAiEmbeddingsServerDouble.MODEL_NAME)
                .withBatching(600, 8, 3));
    }

    @Override
    protected String expectedModelId() {
        return OpenAiEmbeddingsServerDouble.MODEL_NAME;
    }

    @Override
    protected boolean truncatesLongTexts() {
        return false;
    }

    @AfterAll
    void stopServer() {
        server.close();
    }
}
