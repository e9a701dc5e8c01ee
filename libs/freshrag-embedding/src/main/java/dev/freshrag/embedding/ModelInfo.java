package dev.freshrag.embedding;

/**
 * @param id        stable model id, recorded in the index fingerprint (fp32 and int8 differ)
 * @param dimension vector size
 * @param maxTokens the model's max sequence length, special tokens included
 */
public record ModelInfo(String id, int dimension, int maxTokens) {
}
