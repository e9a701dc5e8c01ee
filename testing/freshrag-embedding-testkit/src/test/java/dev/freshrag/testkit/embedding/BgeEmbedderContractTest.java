package dev.freshrag.testkit.embedding;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.tokenizer.EmbeddingModel;
import org.junit.jupiter.api.Tag;

/** The in-process embedder running bge-small-en-v1.5 (freshrag.embedding.model=bge-small-en-v1.5) keeps the contract. */
@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
class BgeEmbedderContractTest extends EmbedderContract {

    /** Its vectors are held to a second instance of the same model: what is checked is the contract, not the numbers. */
    @Override
    protected EmbedderOptions referenceOptions() {
        return EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5).withTarget(ExecutionTarget.CPU);
    }

    @Override
    protected Embedder open() {
        return OnnxEmbedder.load(referenceOptions());
    }

    @Override
    protected String expectedModelId() {
        return "bge-small-en-v1.5";
    }

    @Override
    protected boolean truncatesLongTexts() {
        return true;
    }
}
