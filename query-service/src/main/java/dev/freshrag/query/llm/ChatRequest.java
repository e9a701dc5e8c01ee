package dev.freshrag.query.llm;

import java.util.Objects;

/**
 * One chat completion: a single user message holding the whole prompt (instructions, passages and question).
 * A single user turn works with every chat template, including those without a system role.
 *
 * @param model       the base model's name or a LoRA adapter's name
 * @param prompt      the user message
 * @param maxTokens   {@code max_tokens}
 * @param temperature {@code temperature}, or null for the server's default
 */
public record ChatRequest(String model, String prompt, int maxTokens, Double temperature) {
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
    }
}
