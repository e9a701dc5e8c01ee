package dev.freshrag.query.llm;

import java.time.Duration;

/** vLLM's runtime LoRA endpoints. */
public interface LoraAdmin {

    /**
     * {@code POST /v1/load_lora_adapter}. Returns normally when the adapter is loaded, also when the server
     * already had it under that name (another replica of this service may have loaded it).
     *
     * @throws LlmException {@link LlmException.Kind#NOT_FOUND} when the server finds no adapter at the path
     */
    void loadLoraAdapter(String name, String path, Duration timeout);

    /** {@code POST /v1/unload_lora_adapter}. Returns normally when the server no longer has it (also when it never had). */
    void unloadLoraAdapter(String name, Duration timeout);
}
