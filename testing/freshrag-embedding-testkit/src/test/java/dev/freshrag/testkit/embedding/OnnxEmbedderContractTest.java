package dev.freshrag.testkit.embedding;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;

/** The in-process embedder: the reference every remote backend is held to. */
class OnnxEmbedderContractTest extends EmbedderContract {

    @Override
    protected Embedder open() {
        return OnnxEmbedder.load(EmbedderOptions.defaults());
    }

    @Override
    protected String expectedModelId() {
        return "all-minilm-l6-v2";
    }

    @Override
    protected boolean truncatesLongTexts() {
        return true;
    }
}
