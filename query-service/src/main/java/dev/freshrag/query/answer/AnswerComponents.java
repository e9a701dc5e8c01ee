package dev.freshrag.query.answer;

/**
 * The configured pieces of answering.
 *
 * @param defaultTemplate      the prompt template of tenants without their own
 * @param fallBackToExtractive {@code freshrag.answer.on-llm-failure=extractive}
 */
public record AnswerComponents(PromptBuilder prompts, ExtractiveGenerator extractive, String defaultTemplate,
                               boolean fallBackToExtractive) {
}
