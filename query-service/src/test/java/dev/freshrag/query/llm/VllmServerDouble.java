package dev.freshrag.query.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of an LLM server: no model runs here (no GPU), but it speaks the parts of the OpenAI and vLLM
 * HTTP APIs FreshRAG uses, with vLLM's behaviour where it matters:
 * <ul>
 *   <li>{@code POST /v1/chat/completions}, with and without {@code stream: true} (SSE chunks,
 *       {@code stream_options.include_usage}, {@code data: [DONE]}); 404 "The model `x` does not exist." for a
 *       model that is neither the base model nor a loaded adapter;</li>
 *   <li>{@code POST /v1/load_lora_adapter} (400 "has already been loaded" for a second load of one name,
 *       configurable failures such as 404 "No adapter found") and {@code POST /v1/unload_lora_adapter} (404
 *       for an unknown name).</li>
 * </ul>
 * It records every call in order and flags what a real server would punish: an unload while requests to
 * that adapter are in flight. Chats can be held (to create in-flight requests), failed, or paused mid-stream.
 * The generated text is deterministic: {@code "Answer from <model>: see [1]."} split into word tokens.
 */
public final class VllmServerDouble implements AutoCloseable {

    /** One call, in arrival order. kind: LOAD, LOAD_REFUSED, UNLOAD, UNLOAD_UNKNOWN, CHAT, CHAT_DONE, CHAT_UNKNOWN_MODEL. */
    public record Call(String kind, String model, String detail) {
    }

    private static volatile VllmServerDouble shared;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vllm-double");
        t.setDaemon(true);
        return t;
    });
    private final String baseModel;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> chatBodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> failingPaths = new ConcurrentHashMap<>();
    private final AtomicInteger maxLoaded = new AtomicInteger();
    private volatile int chatFailureStatus;
    private volatile String holdModel;
    private volatile CountDownLatch hold;
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch streamPause;
    /** While set, unload calls wait on it before they take effect (a server busy with other work). */
    private volatile CountDownLatch unloadHold;
    private final AtomicInteger unloadsHeld = new AtomicInteger();
    private volatile boolean stallStreams;

    private VllmServerDouble(String baseModel) throws IOException {
        this.baseModel = baseModel;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/load_lora_adapter", this::load);
        server.createContext("/v1/unload_lora_adapter", this::unload);
        server.start();
    }

    public static VllmServerDouble start(String baseModel) {
        try {
            return new VllmServerDouble(baseModel);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One double per class loader, for @QuarkusTest profiles and the tests that inspect it. */
    public static synchronized VllmServerDouble shared() {
        if (shared == null) {
            shared = start("base-model");
        }
        return shared;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String baseModel() {
        return baseModel;
    }

    // ------------------------------------------------------------------ behaviour

    /** Clears recorded calls, loaded adapters and every configured behaviour. */
    public void reset() {
        calls.clear();
        violations.clear();
        chatBodies.clear();
        authorizations.clear();
        loaded.clear();
        inFlight.clear();
        failingPaths.clear();
        maxLoaded.set(0);
        chatFailureStatus = 0;
        releaseChats();
        holdModel = null;
        held.set(0);
        CountDownLatch p = streamPause;
        if (p != null) {
            p.countDown();
        }
        streamPause = null;
        stallStreams = false;
        releaseUnloads();
        unloadsHeld.set(0);
    }

    /** From now on unload calls wait, before they take effect, until {@link #releaseUnloads()}. */
    public void holdUnloads() {
        unloadHold = new CountDownLatch(1);
    }

    /** Waits (bounded) until {@code n} unload calls are being held. */
    public void awaitUnloadsHeld(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unloadsHeld.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " held unloads expected, saw " + unloadsHeld.get() + "; calls: " + calls);
            }
            Thread.sleep(2);
        }
    }

    public void releaseUnloads() {
        CountDownLatch h = unloadHold;
        unloadHold = null;
        if (h != null) {
            h.countDown();
        }
    }

    /** Loads of this adapter path fail with the status (404: "No adapter found", else a generic error). */
    public void failLoadsOf(String path, int status) {
        failingPaths.put(path, status);
    }

    /** Every chat (after being counted in flight) answers this status; 0 to stop. */
    public void failChats(int status) {
        chatFailureStatus = status;
    }

    /** From now on chats for {@code model} wait, in flight, until {@link #releaseChats()}. */
    public void holdChatsFor(String model) {
        held.set(0);
        hold = new CountDownLatch(1);
        holdModel = model;
    }

    /** Waits until {@code n} chats are held (bounded; fails the test when they never come). */
    public void awaitHeld(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (held.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + held.get() + " of " + n + " chats arrived; calls: " + calls());
            }
            Thread.sleep(5);
        }
    }

    public void releaseChats() {
        CountDownLatch h = hold;
        holdModel = null;
        if (h != null) {
            h.countDown();
        }
    }

    /** Streams send their first token and then wait for the returned latch. */
    public CountDownLatch pauseStreamsAfterFirstToken() {
        streamPause = new CountDownLatch(1);
        return streamPause;
    }

    /** Streams send their first token and then nothing more (to exercise read timeouts). */
    public void stallStreams(boolean stall) {
        stallStreams = stall;
    }

    /** Marks an adapter as known without a load call (as if loaded before, or by another replica). */
    public void preload(String name) {
        loaded.add(name);
    }

    /** Forgets an adapter without an unload call (as if the server restarted). */
    public void forget(String name) {
        loaded.remove(name);
    }

    // ------------------------------------------------------------------ inspection

    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<Call> calls(String kind) {
        return calls().stream().filter(c -> c.kind().equals(kind)).toList();
    }

    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public Set<String> loaded() {
        return Set.copyOf(loaded);
    }

    public int maxLoadedAtOnce() {
        return maxLoaded.get();
    }

    public List<JsonNode> chatBodies() {
        synchronized (chatBodies) {
            return List.copyOf(chatBodies);
        }
    }

    public List<String> authorizations() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    public int inFlight(String model) {
        AtomicInteger n = inFlight.get(model);
        return n == null ? 0 : n.get();
    }

    /** The text every chat to {@code model} generates, token by token. */
    public static List<String> tokens(String model) {
        return List.of("Answer ", "from ", model + ": ", "see ", "[1].");
    }

    // ------------------------------------------------------------------ endpoints

    private void load(HttpExchange ex) throws IOException {
        try (ex) {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            JsonNode body = json.readTree(ex.getRequestBody());
            String name = body.path("lora_name").asText(null);
            String path = body.path("lora_path").asText(null);
            if (name == null || path == null) {
                calls.add(new Call("LOAD_REFUSED", name, "missing fields"));
                error(ex, 400, "Both 'lora_name' and 'lora_path' must be provided.", "InvalidUserInput");
                return;
            }
            Integer fail = failingPaths.get(path);
            if (fail != null) {
                calls.add(new Call("LOAD_REFUSED", name, path));
                error(ex, fail, fail == 404 ? "No adapter found for " + path : "loading " + path + " failed",
                        fail == 404 ? "NotFoundError" : "BadRequestError");
                return;
            }
            if (!loaded.add(name)) {
                calls.add(new Call("LOAD_REFUSED", name, "already loaded"));
                error(ex, 400, "The lora adapter '" + name + "' has already been loaded.", "InvalidUserInput");
                return;
            }
            calls.add(new Call("LOAD", name, path));
            maxLoaded.accumulateAndGet(loaded.size(), Math::max);
            text(ex, 200, "Success: LoRA adapter '" + name + "' added successfully.");
        }
    }

    private void unload(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = json.readTree(ex.getRequestBody());
            String name = body.path("lora_name").asText(null);
            CountDownLatch h = unloadHold;
            if (h != null) {
                unloadsHeld.incrementAndGet();
                try {
                    h.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int busy = inFlight(name);
            if (busy > 0) {
                violations.add("unload of " + name + " while " + busy + " requests to it were in flight");
            }
            if (name == null || !loaded.remove(name)) {
                calls.add(new Call("UNLOAD_UNKNOWN", name, null));
                error(ex, 404, "The lora adapter '" + name + "' cannot be found.", "NotFoundError");
                return;
            }
            calls.add(new Call("UNLOAD", name, null));
            text(ex, 200, "Success: LoRA adapter '" + name + "' removed successfully.");
        }
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            JsonNode body = json.readTree(ex.getRequestBody());
            chatBodies.add(body);
            String model = body.path("model").asText("");
            boolean stream = body.path("stream").asBoolean(false);
            if (!model.equals(baseModel) && !loaded.contains(model)) {
                calls.add(new Call("CHAT_UNKNOWN_MODEL", model, null));
                error(ex, 404, "The model `" + model + "` does not exist.", "NotFoundError");
                return;
            }
            AtomicInteger n = inFlight.computeIfAbsent(model, k -> new AtomicInteger());
            n.incrementAndGet();
            // the request stops being in flight just before its last byte is written (a real server has finished
            // generating by then); decrementing after the write would race with the client reacting to it
            Runnable finish = new Runnable() {
                private boolean done;

                @Override
                public synchronized void run() {
                    if (!done) {
                        done = true;
                        n.decrementAndGet();
                    }
                }
            };
            calls.add(new Call("CHAT", model, stream ? "stream" : "complete"));
            try {
                CountDownLatch h = hold;
                if (h != null && model.equals(holdModel)) {
                    held.incrementAndGet();
                    h.await(60, TimeUnit.SECONDS);
                }
                if (chatFailureStatus != 0) {
                    finish.run();
                    error(ex, chatFailureStatus, "the engine is overloaded", "ServiceUnavailableError");
                    return;
                }
                String prompt = body.path("messages").path(0).path("content").asText("");
                int promptTokens = prompt.split("\\s+").length;
                List<String> tokens = tokens(model);
                if (stream) {
                    stream(ex, model, tokens, promptTokens, body.path("stream_options").path("include_usage").asBoolean(false), finish);
                } else {
                    ObjectNode r = json.createObjectNode();
                    r.put("id", "chatcmpl-double").put("object", "chat.completion").put("model", model);
                    ObjectNode choice = r.putArray("choices").addObject();
                    choice.put("index", 0).put("finish_reason", "stop");
                    choice.putObject("message").put("role", "assistant").put("content", String.join("", tokens));
                    r.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", tokens.size())
                            .put("total_tokens", promptTokens + tokens.size());
                    calls.add(new Call("CHAT_DONE", model, null));
                    finish.run();
                    send(ex, 200, "application/json", json.writeValueAsBytes(r));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                finish.run();
            }
        }
    }

    private void stream(HttpExchange ex, String model, List<String> tokens, int promptTokens, boolean usage, Runnable finish)
            throws IOException, InterruptedException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < tokens.size(); i++) {
            ObjectNode chunk = json.createObjectNode();
            chunk.put("id", "chatcmpl-double").put("object", "chat.completion.chunk").put("model", model);
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("delta").put("content", tokens.get(i));
            if (i == tokens.size() - 1) {
                choice.put("finish_reason", "stop");
            } else {
                choice.putNull("finish_reason");
            }
            sse(out, json.writeValueAsString(chunk));
            if (i == 0) {
                if (stallStreams) {
                    Thread.sleep(60_000);
                    return;
                }
                CountDownLatch p = streamPause;
                if (p != null && !p.await(60, TimeUnit.SECONDS)) {
                    return;
                }
            }
        }
        if (usage) {
            ObjectNode chunk = json.createObjectNode();
            chunk.put("id", "chatcmpl-double").put("object", "chat.completion.chunk").put("model", model);
            chunk.putArray("choices");
            chunk.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", tokens.size())
                    .put("total_tokens", promptTokens + tokens.size());
            sse(out, json.writeValueAsString(chunk));
        }
        calls.add(new Call("CHAT_DONE", model, null));
        finish.run();
        sse(out, "[DONE]");
    }

    private static void sse(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void error(HttpExchange ex, int status, String message, String type) throws IOException {
        ObjectNode e = json.createObjectNode();
        e.put("object", "error").put("message", message).put("type", type).put("code", status);
        send(ex, status, "application/json", json.writeValueAsBytes(e));
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json", ("\"" + body + "\"").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        releaseChats();
        server.stop(0);
        executor.shutdownNow();
    }
}
