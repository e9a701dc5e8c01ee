package dev.freshrag.query.answer;

import dev.freshrag.tokenizer.TokenCounter;

/** Counts prompt tokens for the budget. */
@FunctionalInterface
public interface PromptTokenCounter {

    int count(String text);

    /**
     * The embedding model's WordPiece tokenizer, without the [CLS]/[SEP] it adds to every text. Exact for that
     * tokenizer; for the LLM's own tokenizer an approximation (English prose comes out within roughly 10-20%).
     */
    static PromptTokenCounter wordPiece(TokenCounter tokenizer) {
        return text -> text.isEmpty() ? 0 : Math.max(0, tokenizer.countTokens(text) - 2);
    }

    /** {@code ceil(characters / charsPerToken)}: no tokenizer at all, about 4 characters per token for English. */
    static PromptTokenCounter chars(double charsPerToken) {
        if (!(charsPerToken > 0)) {
            throw new IllegalArgumentException("freshrag.answer.chars-per-token must be positive, was " + charsPerToken);
        }
        return text -> (int) Math.ceil(text.length() / charsPerToken);
    }

    /** How prompt tokens are counted ({@code freshrag.answer.token-counter}). */
    enum Kind {
        /** {@link #wordPiece}: the embedding model's tokenizer. */
        EMBEDDER,
        /** {@link #chars}: characters divided by {@code freshrag.answer.chars-per-token}. */
        CHARS
    }
}
