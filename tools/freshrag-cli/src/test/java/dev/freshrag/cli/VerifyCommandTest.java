package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify [--tenant] [--repair]} against doubles of the ingest- and query-service's operator endpoints. */
class VerifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String STATE = """
            [{"tenant":"acme","docId":"ok.md","version":2,"deleted":false,"chunkIds":["c1","c2"]},
             {"tenant":"acme","docId":"lost.md","version":1,"deleted":false,"chunkIds":["l1"]},
             {"tenant":"acme","docId":"old.md","version":3,"deleted":false,"chunkIds":["o1","o3"]},
             {"tenant":"acme","docId":"gone.md","version":4,"deleted":true,"chunkIds":[]}]""";
    private static final String INDEX = """
            [{"tenant":"acme","docId":"ok.md","present":true,"version":2,"chunkIds":["c2","c1"]},
             {"tenant":"acme","docId":"lost.md","present":false,"version":null,"chunkIds":[]},
             {"tenant":"acme","docId":"old.md","present":true,"version":2,"chunkIds":["o1","o2"]},
             {"tenant":"acme","docId":"gone.md","present":true,"version":3,"chunkIds":["g1"]}]""";
    /** The index's listing of acme, two pages: stray.md is unknown to the state (an orphan). */
    private static final String LISTING_PAGE_1 = """
            {"tenant":"acme","documents":[{"docId":"ok.md","version":2},{"docId":"old.md","version":2}],"next":"p2"}""";
    private static final String LISTING_PAGE_2 = """
            {"tenant":"acme","documents":[{"docId":"gone.md","version":3},{"docId":"stray.md","version":7}],"next":null}""";
    private static final String MATCHING_INDEX = """
            [{"tenant":"acme","docId":"ok.md","present":true,"version":2,"chunkIds":["c1","c2"]}]""";

    @TempDir
    Path home;

    @Test
    void printsEachDifferenceAndASummaryAndRepairsExactlyTheDifferingDocuments() throws Exception {
        try (ServicesDouble ingest = new ServicesDouble(Map.of("/v1/operator/documents/repair",
                "{\"redriven\":2,\"notFound\":[\"acme/gone.md (no record of v4 left on kb.doc-changes)\"]}",
                "/v1/operator/documents", STATE));
             ServicesDouble query = new ServicesDouble(Map.of("/v1/operator/index/documents", INDEX,
                     "GET /v1/operator/index/documents?tenant=acme&limit=500", LISTING_PAGE_1,
                     "GET /v1/operator/index/documents?tenant=acme&after=p2&limit=500", LISTING_PAGE_2))) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "verify", "--tenant", "acme", "--repair", "--url", ingest.url(), "--query-url", query.url());
            assertEquals(1, rc, c.err() + c.out());
            String out = c.out();
            assertTrue(out.contains("missing        acme/lost.md  v1, 1 chunks"), out);
            assertTrue(out.contains("stale-version  acme/old.md  the index holds v2, the state v3"), out);
            assertTrue(out.contains("missing-chunks acme/old.md  1 of 2: o3"), out);
            assertTrue(out.contains("extra-chunks   acme/old.md  1: o2"), out);
            assertTrue(out.contains("not-deleted    acme/gone.md  deleted at v4, the index holds v3 (1 chunks)"), out);
            assertTrue(!out.contains("ok.md"), out);
            assertTrue(out.contains("orphan         acme/stray.md  the index holds v7, the pipeline's state does not know "
                    + "the document"), out);
            assertTrue(!out.contains("acme/gone.md  the index holds"), "a deleted document the state knows is no orphan");
            assertTrue(out.contains("Verified 5 documents: 4 differ (missing 1, stale-version 1, missing-chunks 1, "
                    + "extra-chunks 1, not-deleted 1, orphan 1)."), out);
            assertTrue(out.contains("Orphans are not repaired: 1 document the pipeline does not know"), out);
            assertTrue(out.contains("not re-driven  acme/gone.md (no record of v4 left on kb.doc-changes)"), out);
            assertTrue(out.contains("Re-drove 2 of 3 documents through the bulk lane"), out);

            assertEquals("GET /v1/operator/documents?tenant=acme", ingest.requests.get(0).line());
            assertEquals("Bearer frk_op", ingest.requests.get(0).authorization());
            assertEquals("POST /v1/operator/index/documents", query.requests.get(0).line());
            assertEquals(4, JSON.readTree(query.requests.get(0).body()).size());
            assertEquals(List.of("GET /v1/operator/index/documents?tenant=acme&limit=500",
                    "GET /v1/operator/index/documents?tenant=acme&after=p2&limit=500"),
                    query.requests.subList(1, 3).stream().map(ServicesDouble.Request::line).toList());
            ServicesDouble.Request repair = ingest.requests.get(1);
            assertEquals("POST /v1/operator/documents/repair", repair.line());
            JsonNode redriven = JSON.readTree(repair.body());
            assertEquals(List.of("lost.md", "old.md", "gone.md"), redriven.findValuesAsText("docId"));
        }
    }

    @Test
    void exitsZeroWhenTheIndexMatchesAndRepairsNothing() throws Exception {
        try (ServicesDouble ingest = new ServicesDouble(Map.of("/v1/operator/documents",
                "[{\"tenant\":\"acme\",\"docId\":\"ok.md\",\"version\":2,\"deleted\":false,\"chunkIds\":[\"c1\",\"c2\"]}]"));
             ServicesDouble query = new ServicesDouble(Map.of("/v1/operator/index/documents", MATCHING_INDEX))) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op",
                    "FRESHRAG_URL", ingest.url(), "FRESHRAG_QUERY_URL", query.url()), home, "verify", "--repair");
            assertEquals(0, rc, c.err() + c.out());
            assertEquals(List.of("Verified 1 document: the index matches."), c.outLines());
            assertEquals(1, ingest.requests.size(), "no repair call");
            assertEquals("GET /v1/operator/index/documents?tenant=acme&limit=500", query.requests.get(1).line(),
                    "the index of every tenant the state knows is listed");
        }
    }

    @Test
    void anOrphanAloneMakesVerifyExitOne() throws Exception {
        try (ServicesDouble ingest = new ServicesDouble(Map.of("/v1/operator/documents",
                "[{\"tenant\":\"acme\",\"docId\":\"ok.md\",\"version\":2,\"deleted\":false,\"chunkIds\":[\"c1\",\"c2\"]}]"));
             ServicesDouble query = new ServicesDouble(Map.of("/v1/operator/index/documents", MATCHING_INDEX,
                     "GET /v1/operator/index/documents", """
                             {"tenant":"acme","documents":[{"docId":"ok.md","version":2},{"docId":"x.md","version":1}],
                              "next":null}"""))) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op",
                    "FRESHRAG_URL", ingest.url(), "FRESHRAG_QUERY_URL", query.url()), home, "verify", "--repair");
            assertEquals(1, rc, c.err() + c.out());
            assertEquals(List.of("orphan         acme/x.md  the index holds v1, the pipeline's state does not know the document",
                    "Verified 2 documents: 1 differ (missing 0, stale-version 0, missing-chunks 0, extra-chunks 0, "
                            + "not-deleted 0, orphan 1).",
                    "Orphans are not repaired: 1 document the pipeline does not know (remove each with a DELETE through "
                            + "the ingest-service at a version above the indexed one)."), c.outLines());
            assertEquals(1, ingest.requests.size(), "nothing to re-drive: no repair call");
        }
    }

    @Test
    void aRebalancingServiceIsAskedAgainAfterItsRetryAfter() throws Exception {
        try (ServicesDouble ingest = new ServicesDouble(Map.of("/v1/operator/documents",
                "[{\"tenant\":\"acme\",\"docId\":\"ok.md\",\"version\":2,\"deleted\":false,\"chunkIds\":[\"c1\",\"c2\"]}]"), 2, "1");
             ServicesDouble query = new ServicesDouble(Map.of("/v1/operator/index/documents", MATCHING_INDEX,
                     "GET /v1/operator/index/documents", "{\"tenant\":\"acme\",\"documents\":[{\"docId\":\"ok.md\",\"version\":2}],\"next\":null}"))) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "verify", "--url", ingest.url(), "--query-url", query.url());
            assertEquals(0, rc, c.err() + c.out());
            assertEquals(3, ingest.requests.size(), "two 503s, then the answer");
            assertEquals(2, c.err().lines().filter(l -> l.contains("HTTP 503: the ingest-service is rebalancing; retrying in 1 s")).count(), c.err());
        }
    }

    @Test
    void a503WithoutRetryAfterFailsAtOnce() throws Exception {
        try (ServicesDouble ingest = new ServicesDouble(Map.of("/v1/operator/documents", "[]"), 1, null)) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "verify", "--url", ingest.url(), "--query-url", ingest.url());
            assertTrue(rc != 0, c.out());
            assertEquals(1, ingest.requests.size());
            assertTrue(c.err().contains("HTTP 503: the ingest-service is rebalancing"), c.err());
        }
    }

    /**
     * Stands in for a service's operator endpoints: a fixed body per path, or per "METHOD path?query" (longest prefix
     * wins), requests recorded.
     */
    static final class ServicesDouble implements AutoCloseable {

        record Request(String method, String pathAndQuery, String authorization, String body) {
            String line() {
                return method + " " + pathAndQuery;
            }
        }

        private final HttpServer server;
        final List<Request> requests = new CopyOnWriteArrayList<>();

        ServicesDouble(Map<String, String> bodies) throws IOException {
            this(bodies, 0, null);
        }

        /**
         * As above, but the first {@code unavailable} requests are answered 503 (rebalancing), with {@code Retry-After:
         * retryAfter} when it is not null.
         */
        ServicesDouble(Map<String, String> bodies, int unavailable, String retryAfter) throws IOException {
            java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(unavailable);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                if (refusals.getAndDecrement() > 0) {
                    byte[] b = "{\"detail\":\"the ingest-service is rebalancing\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                    if (retryAfter != null) {
                        exchange.getResponseHeaders().add("Retry-After", retryAfter);
                    }
                    exchange.sendResponseHeaders(503, b.length);
                    exchange.getResponseBody().write(b);
                    exchange.close();
                    return;
                }
                String call = exchange.getRequestMethod() + " " + exchange.getRequestURI();
                String body = bodies.entrySet().stream()
                        .filter(e -> e.getKey().contains(" ") ? call.startsWith(e.getKey()) : path.startsWith(e.getKey()))
                        .max(java.util.Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue).orElse(null);
                byte[] b = (body == null ? "{\"detail\":\"no such path\"}" : body).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(body == null ? 404 : 200, b.length);
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
}
