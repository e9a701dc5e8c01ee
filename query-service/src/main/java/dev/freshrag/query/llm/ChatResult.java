package dev.freshrag.query.llm;

/**
 * @param text         the generated text
 * @param model        the {@code model} the server reported (for vLLM: the adapter's name when one was used)
 * @param usage        token usage, or null when the server did not report it
 * @param finishReason e.g. {@code stop} or {@code length}, or null
 */
public record ChatResult(String text, String model, TokenUsage usage, String finishReason) {
}
