package dev.freshrag.query.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A thin client of an OpenAI-compatible server (vLLM, LoRAX, NIM, OpenAI itself): {@code POST
 * /v1/chat/completions}, with or without {@code stream: true} (Server-Sent Events), and vLLM's runtime LoRA
 * endpoints {@code /v1/load_lora_adapter} and {@code /v1/unload_lora_adapter}. JDK HttpClient, HTTP/1.1.
 * Thread-safe.
 */
public final class OpenAiChatClient implements LoraAdmin, AutoCloseable {

    private static final int MAX_ERROR_CHARS = 300;

    private final URI base;
    private final Optional<String> apiKey;
    private final Duration readTimeout;
    private final boolean streamUsage;
    private final ObjectMapper json;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog;

    /**
     * @param baseUrl     e.g. {@code http://vllm:8000}; a trailing {@code /} or {@code /v1} is removed
     * @param streamUsage ask for usage on streamed answers ({@code stream_options.include_usage})
     */
    public OpenAiChatClient(String baseUrl, Optional<String> apiKey, Duration connectTimeout, Duration readTimeout,
                            boolean streamUsage, ObjectMapper json) {
        this.base = URI.create(normalizeBaseUrl(baseUrl));
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
                || base.getHost() == null) {
            throw new IllegalArgumentException("freshrag.llm.base-url must be an http(s) URL, was '" + baseUrl + "'");
        }
        this.apiKey = apiKey.filter(k -> !k.isBlank());
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.streamUsage = streamUsage;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freshrag-llm-stream-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code http://h:8000/v1/} to {@code http://h:8000}. */
    public static String normalizeBaseUrl(String url) {
        String u = Objects.requireNonNull(url, "base url").trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/v1")) {
            u = u.substring(0, u.length() - 3);
        }
        return u;
    }

    public String baseUrl() {
        return base.toString();
    }

    // ------------------------------------------------------------------ chat

    /** A whole completion in one answer; bounded by the read timeout. */
    public ChatResult complete(ChatRequest request) {
        HttpRequest http = post("/v1/chat/completions", body(request, false), readTimeout);
        CompletableFuture<HttpResponse<String>> f = this.http.sendAsync(http, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = f.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new LlmException(LlmException.Kind.TIMEOUT, 0, "no completion within " + readTimeout, e);
        } catch (ExecutionException e) {
            throw transport(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.UNREACHABLE, 0, "interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw httpError("chat completion", response.statusCode(), response.body());
        }
        try {
            JsonNode root = json.readTree(response.body());
            JsonNode choice = root.path("choices").path(0);
            JsonNode content = choice.path("message").path("content");
            if (!content.isTextual()) {
                throw new LlmException(LlmException.Kind.BAD_RESPONSE, response.statusCode(),
                        "chat completion without choices[0].message.content");
            }
            return new ChatResult(content.asText(), textOrNull(root.get("model")), usage(root.get("usage")),
                    textOrNull(choice.get("finish_reason")));
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.BAD_RESPONSE, response.statusCode(), "chat completion is not JSON", e);
        }
    }

    /**
     * Starts a streamed completion and returns once the server has answered 200 with its headers, so that
     * errors such as an unknown model surface here, before anything has been passed on. Read the stream with
     * {@link ChatStream#read}; close it in any case.
     */
    public ChatStream openStream(ChatRequest request) {
        HttpRequest http = post("/v1/chat/completions", body(request, true), readTimeout);
        HttpResponse<InputStream> response;
        try {
            response = this.http.send(http, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw transport(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.UNREACHABLE, 0, "interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw httpError("chat completion", response.statusCode(), body);
        }
        return new ChatStream(response.body(), json, watchdog, readTimeout);
    }

    private byte[] body(ChatRequest r, boolean stream) {
        ObjectNode b = json.createObjectNode();
        b.put("model", r.model());
        ObjectNode message = b.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", r.prompt());
        b.put("max_tokens", r.maxTokens());
        if (r.temperature() != null) {
            b.put("temperature", r.temperature());
        }
        b.put("stream", stream);
        if (stream && streamUsage) {
            b.putObject("stream_options").put("include_usage", true);
        }
        try {
            return json.writeValueAsBytes(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        return new TokenUsage(intOrNull(u.get("prompt_tokens")), intOrNull(u.get("completion_tokens")),
                intOrNull(u.get("total_tokens")));
    }

    private static Integer intOrNull(JsonNode n) {
        return n != null && n.isNumber() ? n.asInt() : null;
    }

    static String textOrNull(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    // ------------------------------------------------------------------ LoRA

    @Override
    public void loadLoraAdapter(String name, String path, Duration timeout) {
        ObjectNode b = json.createObjectNode().put("lora_name", name).put("lora_path", path);
        HttpResponse<String> r = sendSync(post("/v1/load_lora_adapter", write(b), timeout), "load_lora_adapter");
        if (r.statusCode() / 100 == 2) {
            return;
        }
        // vLLM answers 400 "The lora adapter 'x' has already been loaded." to a second load under one name
        if (r.statusCode() == 400 && r.body() != null && r.body().contains("already been loaded")) {
            return;
        }
        throw httpError("load_lora_adapter", r.statusCode(), r.body());
    }

    @Override
    public void unloadLoraAdapter(String name, Duration timeout) {
        ObjectNode b = json.createObjectNode().put("lora_name", name);
        HttpResponse<String> r = sendSync(post("/v1/unload_lora_adapter", write(b), timeout), "unload_lora_adapter");
        if (r.statusCode() / 100 == 2 || r.statusCode() == 404) {
            return; // 404: "cannot be found", i.e. already gone
        }
        throw httpError("unload_lora_adapter", r.statusCode(), r.body());
    }

    private byte[] write(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> sendSync(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LlmException t = transport(e);
            throw new LlmException(t.kind(), 0, what + ": " + t.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.UNREACHABLE, 0, what + ": interrupted", e);
        }
    }

    // ------------------------------------------------------------------ plumbing

    private HttpRequest post(String path, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath() + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b.build();
    }

    static LlmException transport(Throwable e) {
        if (e instanceof HttpTimeoutException) {
            return new LlmException(LlmException.Kind.TIMEOUT, 0, "timed out: " + e.getMessage(), e);
        }
        if (e instanceof ConnectException) {
            return new LlmException(LlmException.Kind.UNREACHABLE, 0, "cannot connect: " + e, e);
        }
        return new LlmException(LlmException.Kind.UNREACHABLE, 0, "I/O error: " + e, e);
    }

    LlmException httpError(String what, int status, String body) {
        String message = errorMessage(body);
        LlmException.Kind kind;
        if (status == 404) {
            kind = LlmException.Kind.NOT_FOUND;
        } else if (status >= 500 || status == 429 || status == 408) {
            kind = LlmException.Kind.SERVER_ERROR;
        } else if (status == 400 && message.matches("(?is).*(does not exist|not found|no adapter found|unknown model).*")) {
            kind = LlmException.Kind.NOT_FOUND; // some servers answer 400 for an unknown model or adapter
        } else {
            kind = LlmException.Kind.REJECTED;
        }
        return new LlmException(kind, status, what + ": HTTP " + status + (message.isEmpty() ? "" : ": " + message));
    }

    /** The message of an OpenAI ({"error":{"message"}}) or vLLM ({"message"}) error body, else the body's start. */
    private String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String m = body.strip();
        try {
            JsonNode n = json.readTree(body);
            if (n.path("error").path("message").isTextual()) {
                m = n.path("error").path("message").asText();
            } else if (n.path("message").isTextual()) {
                m = n.path("message").asText();
            } else if (n.path("detail").isTextual()) {
                m = n.path("detail").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the text
        }
        m = m.replaceAll("\\s+", " ");
        return m.length() > MAX_ERROR_CHARS ? m.substring(0, MAX_ERROR_CHARS) + "..." : m;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
