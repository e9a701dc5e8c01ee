package dev.freshrag.query.answer;

/** What an answer does when the LLM times out, is unreachable or fails ({@code freshrag.answer.on-llm-failure}). */
public enum LlmFailurePolicy {
    /** Answer extractively and say why in {@code "fallback"}. */
    EXTRACTIVE,
    /** Fail the request: 503 (with Retry-After) when the LLM is unavailable, 502 when it failed. */
    ERROR
}
