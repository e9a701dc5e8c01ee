package dev.freshrag.query.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The body of a streamed chat completion: Server-Sent Events whose {@code data} is a
 * {@code chat.completion.chunk}, ended by {@code data: [DONE]}. If no data arrives for the read timeout the
 * stream is closed and {@link #read} fails with {@link LlmException.Kind#TIMEOUT}.
 */
public final class ChatStream implements AutoCloseable {

    private final InputStream body;
    private final ObjectMapper json;
    private final ScheduledExecutorService watchdog;
    private final Duration idleTimeout;
    private volatile boolean timedOut;
    private volatile boolean closed;

    ChatStream(InputStream body, ObjectMapper json, ScheduledExecutorService watchdog, Duration idleTimeout) {
        this.body = body;
        this.json = json;
        this.watchdog = watchdog;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Reads the stream to its end, passing every non-empty content delta to {@code onDelta} as it arrives.
     *
     * @return the whole text, the model the server reported, usage when it sent it, the finish reason
     * @throws LlmException when the stream breaks, stalls or carries an error
     */
    public ChatResult read(Consumer<String> onDelta) {
        StringBuilder text = new StringBuilder();
        String model = null;
        String finish = null;
        TokenUsage usage = null;
        StringBuilder data = new StringBuilder();
        ScheduledFuture<?> timer = arm(null);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                timer = arm(timer);
                if (!line.isEmpty()) {
                    if (line.startsWith("data:")) {
                        if (data.length() > 0) {
                            data.append('\n');
                        }
                        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                    }
                    continue; // "event:", "id:", ":" comments are ignored
                }
                if (data.length() == 0) {
                    continue;
                }
                String payload = data.toString();
                data.setLength(0);
                if (payload.strip().equals("[DONE]")) {
                    return new ChatResult(text.toString(), model, usage, finish);
                }
                JsonNode chunk;
                try {
                    chunk = json.readTree(payload);
                } catch (IOException e) {
                    throw new LlmException(LlmException.Kind.BAD_RESPONSE, 200, "stream chunk is not JSON: " + abbreviate(payload), e);
                }
                if (chunk.has("error")) {
                    JsonNode err = chunk.get("error");
                    String msg = err.path("message").isTextual() ? err.path("message").asText() : err.toString();
                    throw new LlmException(LlmException.Kind.SERVER_ERROR, 200, "the server failed mid-stream: " + abbreviate(msg));
                }
                if (model == null) {
                    model = OpenAiChatClient.textOrNull(chunk.get("model"));
                }
                TokenUsage u = OpenAiChatClient.usage(chunk.get("usage"));
                if (u != null) {
                    usage = u;
                }
                JsonNode choice = chunk.path("choices").path(0);
                String f = OpenAiChatClient.textOrNull(choice.get("finish_reason"));
                if (f != null) {
                    finish = f;
                }
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    text.append(content.asText());
                    onDelta.accept(content.asText());
                }
            }
            if (timedOut) {
                throw new LlmException(LlmException.Kind.TIMEOUT, 200, "no streamed data for " + idleTimeout);
            }
            throw new LlmException(LlmException.Kind.SERVER_ERROR, 200, "the stream ended without [DONE]");
        } catch (IOException e) {
            if (timedOut) {
                throw new LlmException(LlmException.Kind.TIMEOUT, 200, "no streamed data for " + idleTimeout, e);
            }
            throw new LlmException(LlmException.Kind.UNREACHABLE, 200, "the stream broke: " + e, e);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private ScheduledFuture<?> arm(ScheduledFuture<?> previous) {
        if (previous != null) {
            previous.cancel(false);
        }
        return watchdog.schedule(() -> {
            timedOut = true;
            close();
        }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Stops reading; the server sees the connection closed. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
