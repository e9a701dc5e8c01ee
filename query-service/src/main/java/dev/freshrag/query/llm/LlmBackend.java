package dev.freshrag.query.llm;

import java.util.Objects;

/**
 * The configured LLM server, if any: its client, the base model, the LoRA adapter router and the request
 * settings. {@link #enabled()} is false when {@code freshrag.llm.base-url} is not set.
 */
public final class LlmBackend implements AutoCloseable {

    private final OpenAiChatClient client;
    private final LoraRouter adapters;
    private final String baseModel;
    private final int maxTokens;
    private final Double temperature;

    private LlmBackend(OpenAiChatClient client, LoraRouter adapters, String baseModel, int maxTokens, Double temperature) {
        this.client = client;
        this.adapters = adapters;
        this.baseModel = baseModel;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
    }

    public static LlmBackend disabled() {
        return new LlmBackend(null, null, null, 0, null);
    }

    public static LlmBackend of(OpenAiChatClient client, LoraRouter adapters, String baseModel, int maxTokens,
                                Double temperature) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("freshrag.llm.max-tokens must be positive, was " + maxTokens);
        }
        return new LlmBackend(Objects.requireNonNull(client), Objects.requireNonNull(adapters),
                Objects.requireNonNull(baseModel), maxTokens, temperature);
    }

    public boolean enabled() {
        return client != null;
    }

    public OpenAiChatClient client() {
        return client;
    }

    public LoraRouter adapters() {
        return adapters;
    }

    public String baseModel() {
        return baseModel;
    }

    public ChatRequest request(String model, String prompt) {
        return new ChatRequest(model, prompt, maxTokens, temperature);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (adapters != null) {
            adapters.close();
        }
    }
}
