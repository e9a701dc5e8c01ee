package dev.freshrag.query.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reads a Server-Sent Events answer as a client would, event by event as they arrive. */
final class SseClient {

    record Event(String name, JsonNode data) {
    }

    record Result(int status, String contentType, List<Event> events, String body) {
        List<Event> named(String name) {
            return events.stream().filter(e -> e.name().equals(name)).toList();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SseClient() {
    }

    /** POSTs {@code json} and reads the whole stream; {@code onEvent} sees each event the moment it is parsed. */
    static Result post(String url, String json, Consumer<Event> onEvent) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<java.io.InputStream> r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String type = r.headers().firstValue("Content-Type").orElse("");
        List<Event> events = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                body.append(line).append('\n');
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && data.length() > 0) {
                    Event e = new Event(name == null ? "message" : name, JSON.readTree(data.toString()));
                    events.add(e);
                    onEvent.accept(e);
                    name = null;
                    data.setLength(0);
                }
            }
        }
        return new Result(r.statusCode(), type, events, body.toString());
    }
}
