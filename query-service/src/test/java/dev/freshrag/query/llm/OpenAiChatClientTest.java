package dev.freshrag.query.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OpenAI/vLLM client against the LLM server double: completions, SSE streams, errors, LoRA endpoints. */
@Timeout(60)
class OpenAiChatClientTest {

    private static VllmServerDouble server;
    private static OpenAiChatClient client;
    private static final Duration T = Duration.ofSeconds(10);

    @BeforeAll
    static void start() {
        server = VllmServerDouble.start("base-model");
        client = new OpenAiChatClient(server.baseUrl() + "/v1/", Optional.of("secret-key"), Duration.ofSeconds(2),
                Duration.ofSeconds(10), true, new ObjectMapper());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
    }

    @Test
    void completionCarriesTextUsageAndTheApiKey() {
        ChatResult r = client.complete(new ChatRequest("base-model", "What is it? Passages: [1] it is blue", 64, 0.0));
        assertThat(r.text()).isEqualTo(String.join("", VllmServerDouble.tokens("base-model")));
        assertThat(r.model()).isEqualTo("base-model");
        assertThat(r.usage().promptTokens()).isEqualTo(8);
        assertThat(r.usage().completionTokens()).isEqualTo(5);
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(server.authorizations()).containsExactly("Bearer secret-key");
        var body = server.chatBodies().get(0);
        assertThat(body.get("model").asText()).isEqualTo("base-model");
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.get("stream").asBoolean()).isFalse();
    }

    @Test
    void streamDeliversEveryDeltaInOrderThenUsage() {
        List<String> deltas = new ArrayList<>();
        ChatResult r;
        try (ChatStream s = client.openStream(new ChatRequest("base-model", "q", 64, null))) {
            r = s.read(deltas::add);
        }
        assertThat(deltas).containsExactlyElementsOf(VllmServerDouble.tokens("base-model"));
        assertThat(r.text()).isEqualTo(String.join("", deltas));
        assertThat(r.usage().completionTokens()).isEqualTo(5);
        assertThat(server.chatBodies().get(0).get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(server.chatBodies().get(0).has("temperature")).isFalse();
    }

    @Test
    void unknownModelIsNotFoundBeforeAnyToken() {
        assertThatThrownBy(() -> client.openStream(new ChatRequest("nope", "q", 8, null)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("does not exist");
                });
        assertThatThrownBy(() -> client.complete(new ChatRequest("nope", "q", 8, null)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND));
    }

    @Test
    void serverErrorsAreUnavailable() {
        server.failChats(503);
        assertThatThrownBy(() -> client.complete(new ChatRequest("base-model", "q", 8, null)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
                    assertThat(e.isUnavailable()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                });
    }

    @Test
    void aStalledStreamTimesOut() {
        server.stallStreams(true);
        try (OpenAiChatClient impatient = new OpenAiChatClient(server.baseUrl(), Optional.empty(), Duration.ofSeconds(2),
                Duration.ofMillis(300), true, new ObjectMapper());
             ChatStream s = impatient.openStream(new ChatRequest("base-model", "q", 8, null))) {
            List<String> deltas = new ArrayList<>();
            assertThatThrownBy(() -> s.read(deltas::add))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.TIMEOUT));
            assertThat(deltas).containsExactly("Answer ");
        }
    }

    @Test
    void nobodyListeningIsUnreachable() {
        try (OpenAiChatClient nowhere = new OpenAiChatClient("http://127.0.0.1:1", Optional.empty(), Duration.ofSeconds(2),
                Duration.ofSeconds(2), true, new ObjectMapper())) {
            assertThatThrownBy(() -> nowhere.complete(new ChatRequest("m", "q", 8, null)))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.isUnavailable()).isTrue());
        }
    }

    @Test
    void loraLoadIsIdempotentAndUnloadOfAnUnknownAdapterIsFine() {
        client.loadLoraAdapter("a-1", "/adapters/a", T);
        client.loadLoraAdapter("a-1", "/adapters/a", T); // vLLM: 400 "already been loaded", which is success
        assertThat(server.loaded()).containsExactly("a-1");
        client.unloadLoraAdapter("a-1", T);
        client.unloadLoraAdapter("a-1", T); // vLLM: 404, already gone
        assertThat(server.loaded()).isEmpty();
        assertThat(server.calls("LOAD")).hasSize(1);
        assertThat(server.calls("UNLOAD")).hasSize(1);
    }

    @Test
    void loadOfAMissingAdapterIsNotFound() {
        server.failLoadsOf("/adapters/missing", 404);
        assertThatThrownBy(() -> client.loadLoraAdapter("m-1", "/adapters/missing", T))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("No adapter found");
                });
    }

    @Test
    void baseUrlIsNormalized() {
        assertThat(OpenAiChatClient.normalizeBaseUrl("http://h:8000/v1/")).isEqualTo("http://h:8000");
        assertThat(OpenAiChatClient.normalizeBaseUrl("http://h:8000/")).isEqualTo("http://h:8000");
        assertThat(OpenAiChatClient.normalizeBaseUrl("https://gw/llm/v1")).isEqualTo("https://gw/llm");
        assertThatThrownBy(() -> new OpenAiChatClient("vllm:8000", Optional.empty(), T, T, true, new ObjectMapper()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
