package dev.freshrag.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the ingest-service's write endpoints (the real one needs Kafka and the services; the end-to-end test
 * covers that): accepts every request with 202, answering {@code documents:bulk} with a result per line, except the
 * docIds in {@link #reject}, answered 400. Records each request as the CLI sent it.
 */
final class IngestServerDouble implements AutoCloseable {

    record Request(String method, String path, String contentType, String priority, String authorization, String body) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile Set<String> reject = Set.of();

    IngestServerDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("freshrag-priority"), exchange.getRequestHeaders().getFirst("Authorization"), body));
            StringBuilder answer = new StringBuilder();
            if (path.endsWith("documents:bulk")) {
                answer.append("{\"results\":[");
                List<String> lines = body.lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    boolean bad = reject.stream().anyMatch(d -> line.contains("\"docId\":\"" + d + "\""));
                    answer.append(i == 0 ? "" : ",").append("{\"line\":").append(i + 1).append(",\"status\":").append(bad ? 400 : 202)
                            .append(bad ? ",\"problem\":{\"detail\":\"line " + (i + 1) + ": rejected by the double\"}" : "").append("}");
                }
                answer.append("]}");
            } else {
                answer.append("{\"token\":\"v1.acme.0.1\"}");
            }
            byte[] b = answer.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(202, b.length);
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
