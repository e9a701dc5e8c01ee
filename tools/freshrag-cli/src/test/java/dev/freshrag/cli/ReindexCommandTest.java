package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reindex start|status|switch|rollback|abort|drop-previous}, against {@link OperatorServerDouble}. */
class ReindexCommandTest {

    private static String status(long applied, boolean caughtUp, String lag) {
        return """
                {"active":{"generation":"g1","model":"all-minilm-l6-v2","chunkMaxTokens":256,"state":"active","createdAt":"2026-12-01T03:00:00Z"},
                 "building":{"generation":"g2","model":"bge-small-en-v1.5","chunkMaxTokens":256,"state":"building","createdAt":"2026-12-01T03:10:00Z"},
                 "previous":null,
                 "backfill":{"documents":150,"redriven":150,"documentsApplied":%d,"chunksApplied":%d,"perSecond":12.5,"etaSeconds":%d,
                             "redriveDone":true,"done":%s},
                 "lag":%s,
                 "caughtUp":%s,
                 "behind":%s}""".formatted(applied, applied * 30, (150 - applied) * 2 / 25, caughtUp, lag, caughtUp,
                caughtUp ? "null" : "\"the backfill re-drove every document; " + applied + " of 150 applied to g2 so far\"");
    }

    private static final String SWITCHED = """
            {"active":{"generation":"g2","model":"bge-small-en-v1.5","chunkMaxTokens":256,"state":"active","createdAt":"x"},
             "building":null,
             "previous":{"generation":"g1","model":"all-minilm-l6-v2","chunkMaxTokens":256,"state":"previous","createdAt":"x"},
             "backfill":null,"lag":{},"caughtUp":false,"behind":null}""";

    @TempDir
    Path home;

    @Test
    void startPostsTheModelToTheEmbedServiceWithTheOperatorKeyAndPrintsTheStatus() throws Exception {
        try (OperatorServerDouble server = new OperatorServerDouble(200, "application/json",
                status(0, false, "{\"live\":{},\"bulk\":{\"0\":12,\"2\":3}}"))) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "reindex", "start", "--model", "bge-small-en-v1.5", "--url", server.url());
            assertEquals(0, rc, c.err());
            assertEquals(new OperatorServerDouble.Request("POST", "/v1/operator/reindex/start", "Bearer frk_op"), server.requests.get(0));
            assertEquals("{\"model\":\"bge-small-en-v1.5\"}", server.requestBodies.get(0));
            List<String> lines = c.outLines();
            assertEquals(List.of(
                    "active    g1   all-minilm-l6-v2       chunks of at most 256 tokens",
                    "building  g2   bge-small-en-v1.5      chunks of at most 256 tokens",
                    "backfill  0 of 150 documents applied (150 re-driven, all), 0 chunks, 12.5 documents/s, ETA 12 s",
                    "lag       live caught up; bulk behind: p0 12, p2 3",
                    "switch    not yet: the backfill re-drove every document; 0 of 150 applied to g2 so far"), lines);
        }
    }

    @Test
    void theChunkingIsSentSoTheServiceCanRefuseItAndItsProblemIsShown() throws Exception {
        String problem = "{\"title\":\"Unprocessable Content\",\"status\":422,\"detail\":\"--chunk-max-tokens must be between 16 and the max length of bge-small-en-v1.5 (512 tokens), was 1024\"}";
        try (OperatorServerDouble server = new OperatorServerDouble(422, "application/problem+json", problem)) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "reindex", "start", "--model", "bge-small-en-v1.5", "--chunk-max-tokens", "1024", "--url", server.url());
            assertEquals(1, rc);
            assertEquals("{\"model\":\"bge-small-en-v1.5\",\"chunkMaxTokens\":1024}", server.requestBodies.get(0));
            assertTrue(c.err().contains("HTTP 422: --chunk-max-tokens must be between 16 and the max length of bge-small-en-v1.5 (512 tokens), was 1024"), c.err());
        }
    }

    @Test
    void statusWatchDrawsAProgressBarUntilCaughtUp() throws Exception {
        try (OperatorServerDouble server = new OperatorServerDouble(200, "application/json", List.of(
                status(0, false, "{\"live\":{},\"bulk\":{}}"),
                status(75, false, "{\"live\":{},\"bulk\":{}}"),
                status(150, true, "{\"live\":{},\"bulk\":{}}")))) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op",
                    "FRESHRAG_EMBED_URL", server.url()), home, "reindex", "status", "--watch", "--interval", "0");
            assertEquals(0, rc, c.err());
            assertEquals(3, server.requests.size());
            server.requests.forEach(r -> assertEquals("GET /v1/operator/reindex", r.method() + " " + r.pathAndQuery()));
            List<String> lines = c.outLines();
            assertEquals("[..............................]   0% 0/150 documents, 12.5/s, ETA 12 s", lines.get(0));
            assertEquals("[###############...............]  50% 75/150 documents, 12.5/s, ETA 6 s", lines.get(1));
            assertEquals("[##############################] 100% 150/150 documents, 12.5/s, ETA 0 s", lines.get(2));
            assertEquals("switch    ready: ./freshrag reindex switch", lines.get(lines.size() - 1));
        }
    }

    @Test
    void theVerbsPostToTheirPathsUsingTheLocalOperatorKey() throws Exception {
        Files.writeString(home.resolve("operator-key"), "frk_local\n");
        try (OperatorServerDouble server = new OperatorServerDouble(200, "application/json", SWITCHED)) {
            for (String verb : List.of("switch", "rollback", "abort", "drop-previous")) {
                CapturedConsole c = new CapturedConsole();
                int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString()), home, "reindex", verb, "--url", server.url());
                assertEquals(0, rc, c.err());
                assertEquals(List.of(
                        "active    g2   bge-small-en-v1.5      chunks of at most 256 tokens",
                        "previous  g1   all-minilm-l6-v2       chunks of at most 256 tokens"), c.outLines());
            }
            assertEquals(List.of("/v1/operator/reindex/switch", "/v1/operator/reindex/rollback", "/v1/operator/reindex/abort",
                    "/v1/operator/reindex/drop-previous"), server.requests.stream().map(OperatorServerDouble.Request::pathAndQuery).toList());
            server.requests.forEach(r -> assertEquals("Bearer frk_local", r.authorization()));
            server.requests.forEach(r -> assertEquals("POST", r.method()));
        }
    }

    @Test
    void aRefusedSwitchExitsNonZeroSayingHowFarBehind() throws Exception {
        String problem = "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"g2 is not caught up: the backfill re-drove 40 of 150 documents, about 9 s left\"}";
        try (OperatorServerDouble server = new OperatorServerDouble(409, "application/problem+json", problem)) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "reindex", "switch", "--url", server.url());
            assertEquals(1, rc);
            assertTrue(c.err().contains("HTTP 409: g2 is not caught up: the backfill re-drove 40 of 150 documents"), c.err());
            assertEquals("", c.out());
        }
    }
}
