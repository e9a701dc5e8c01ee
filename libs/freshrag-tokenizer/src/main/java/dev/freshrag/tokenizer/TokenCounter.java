package dev.freshrag.tokenizer;

/** Counts the model tokens of a text, special tokens included, without truncation. Thread-safe. */
@FunctionalInterface
public interface TokenCounter {
    int countTokens(String text);
}
