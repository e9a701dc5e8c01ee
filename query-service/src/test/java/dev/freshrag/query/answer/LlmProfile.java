package dev.freshrag.query.answer;

import dev.freshrag.query.llm.VllmServerDouble;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The query-service with an LLM: the LLM server double (no real LLM can run here), runtime LoRA mode. */
public class LlmProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        VllmServerDouble server = VllmServerDouble.shared();
        return Map.of(
                "freshrag.llm.base-url", server.baseUrl() + "/v1",
                "freshrag.llm.model", server.baseModel(),
                "freshrag.llm.api-key", "test-key",
                "freshrag.lora.mode", "runtime",
                "freshrag.lora.retry-after-failure", "PT0S");
    }
}
