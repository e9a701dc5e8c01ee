package dev.freshrag.embedding.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** One wire protocol of embedding servers: what to ask at start, how to send texts and read vectors back. */
interface EmbeddingProtocol {

    ObjectMapper JSON = new ObjectMapper();

    /** What the server serves, as far as the protocol tells. */
    record ServerModel(String modelId, int maxInputTokens, int maxBatchSize) {
    }

    /** {@code tei} or {@code openai}, for logs and health. */
    String name();

    /** Path of the embedding call, below the base URL. */
    String embedPath();

    /** Asks the server which model it serves (and its limits); fails on a mismatch with {@code options.model()}. */
    ServerModel describe(EmbeddingServerClient client, RemoteOptions options);

    /** The JSON request body for these texts. */
    byte[] request(List<String> texts);

    /** One vector per text, in the order of the request; fails if the server returned another number. */
    float[][] vectors(byte[] body, int expected);

    /** The human-readable message of an error body, or null if the body is not this protocol's error. */
    String errorMessage(byte[] body);
}
