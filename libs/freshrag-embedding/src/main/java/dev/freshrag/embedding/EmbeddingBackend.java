package dev.freshrag.embedding;

/** Where vectors come from: the model in this JVM, or an embedding server reached over HTTP. */
public enum EmbeddingBackend {
    /** all-MiniLM-L6-v2 on ONNX Runtime inside the service (the default; nothing else to run). */
    ONNX,
    /** An OpenAI-compatible {@code POST /v1/embeddings} server: vLLM, Ollama, TEI's OpenAI route, OpenAI itself. */
    OPENAI,
    /** Hugging Face text-embeddings-inference, its native {@code POST /embed} and {@code GET /info}. */
    TEI
}
