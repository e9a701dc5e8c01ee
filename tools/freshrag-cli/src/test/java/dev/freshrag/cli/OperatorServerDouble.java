package dev.freshrag.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the ingest-service's operator endpoints: answers one fixed status and body, and records each
 * request's method, path with query, and Authorization header, so a test sees exactly what the CLI sent.
 */
final class OperatorServerDouble implements AutoCloseable {

    record Request(String method, String pathAndQuery, String authorization) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** The body of each request, in order (empty for none). */
    final List<String> requestBodies = new CopyOnWriteArrayList<>();

    OperatorServerDouble(int status, String contentType, String body) throws IOException {
        this(status, contentType, List.of(body));
    }

    /** Answers {@code bodies} in turn, the last one from then on (a status that changes between polls). */
    OperatorServerDouble(int status, String contentType, List<String> bodies) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String body = bodies.get(Math.min(requests.size(), bodies.size()) - 1);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
