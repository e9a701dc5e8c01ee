package dev.freshrag.embedding.remote;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.ModelInfo;
import java.util.List;
import java.util.Objects;

/**
 * A remote embedder whose served model was trained with a query instruction (BAAI's bge-*-en-v1.5: "Represent this
 * sentence for searching relevant passages: "). The server cannot tell a query from a passage, so the instruction is
 * put in front of search queries here ({@link #embedQuery}) and never in front of the passages being indexed
 * ({@link #embed(List)}): the same split the ONNX embedder makes for the models it ships.
 */
public final class InstructedQueries implements Embedder {

    private final Embedder server;
    private final String instruction;

    public InstructedQueries(Embedder server, String instruction) {
        this.server = Objects.requireNonNull(server, "server");
        this.instruction = Objects.requireNonNull(instruction, "instruction");
    }

    @Override
    public ModelInfo model() {
        return server.model();
    }

    @Override
    public float[][] embed(List<String> texts) {
        return server.embed(texts);
    }

    @Override
    public float[] embedQuery(String query) {
        Objects.requireNonNull(query, "query");
        return server.embed(instruction + query);
    }

    @Override
    public String executionProvider() {
        return server.executionProvider();
    }

    @Override
    public void close() {
        server.close();
    }
}
