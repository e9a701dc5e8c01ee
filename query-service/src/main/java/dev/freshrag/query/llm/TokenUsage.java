package dev.freshrag.query.llm;

/** Token counts as the LLM server reported them; any may be null when it did not. */
public record TokenUsage(Integer promptTokens, Integer completionTokens, Integer totalTokens) {
}
