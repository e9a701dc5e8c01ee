package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync} against {@link IngestServerDouble}: what is sent, when, through which endpoint and lane. */
class SyncCommandTest {

    @TempDir
    Path home;
    @TempDir
    Path folder;

    private int sync(IngestServerDouble server, CapturedConsole c, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("sync", folder.toString(), "--tenant", "acme", "--url", server.url()));
        args.addAll(List.of(extra));
        return c.run(Map.of("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_writer"), home, args.toArray(String[]::new));
    }

    private void write(String rel, String content) throws Exception {
        Path p = folder.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void sendsNewFilesThenNothingThenOnlyTheChangeAndTheDeletion() throws Exception {
        write("a.md", "# A\n\nAlpha.");
        write("guides/b.html", "<p>Beta</p>");
        write("c.pdf", "%PDF-1.4 pretend");
        write(".hidden.md", "never sent");
        write("picture.png", "not a document");
        try (IngestServerDouble server = new IngestServerDouble()) {
            CapturedConsole first = new CapturedConsole();
            assertEquals(0, sync(server, first), first.err());
            assertEquals(2, server.requests.size(), server.requests.toString());
            IngestServerDouble.Request bulk = server.requests.stream().filter(r -> r.path().endsWith(":bulk")).findFirst().orElseThrow();
            assertEquals("/v1/tenants/acme/documents:bulk", bulk.path());
            assertEquals("Bearer frk_writer", bulk.authorization());
            assertEquals(2, bulk.body().lines().count(), bulk.body());
            assertTrue(bulk.body().contains("\"docId\":\"a.md\",\"contentType\":\"text/markdown\",\"content\":\"# A\\n\\nAlpha.\""), bulk.body());
            assertTrue(bulk.body().contains("\"docId\":\"guides/b.html\",\"contentType\":\"text/html\""), bulk.body());
            IngestServerDouble.Request pdf = server.requests.stream().filter(r -> r.method().equals("PUT")).findFirst().orElseThrow();
            assertEquals("/v1/tenants/acme/documents/c.pdf", pdf.path());
            assertEquals("application/pdf", pdf.contentType());
            assertEquals("bulk", pdf.priority());
            assertTrue(first.out().contains("Synced: 3 new, 0 changed, 0 deleted, 0 unchanged, 0 failed"), first.out());
            assertTrue(first.out().contains("1 file of other types skipped"), first.out());
            assertTrue(first.out().contains("3/3 files"), first.out());
            assertTrue(Files.exists(folder.resolve(".freshrag-sync.json")));

            server.requests.clear();
            CapturedConsole second = new CapturedConsole();
            assertEquals(0, sync(server, second), second.err());
            assertEquals(List.of(), server.requests);
            assertTrue(second.out().startsWith("Nothing to send: 3 files unchanged since the last sync"), second.out());

            write("a.md", "# A\n\nAlpha, edited.");
            Files.delete(folder.resolve("c.pdf"));
            CapturedConsole third = new CapturedConsole();
            assertEquals(0, sync(server, third), third.err());
            assertEquals(1, server.requests.size(), server.requests.toString());
            String body = server.requests.get(0).body();
            assertTrue(body.contains("Alpha, edited.") && body.contains("{\"docId\":\"c.pdf\",\"op\":\"delete\"}"), body);
            assertTrue(third.out().contains("Synced: 0 new, 1 changed, 1 deleted, 1 unchanged, 0 failed"), third.out());
        }
    }

    @Test
    void aRejectedFileIsReportedAndSentAgainNextTime() throws Exception {
        write("good.txt", "fine");
        write("bad.txt", "refused");
        try (IngestServerDouble server = new IngestServerDouble()) {
            server.reject = Set.of("bad.txt");
            CapturedConsole c = new CapturedConsole();
            assertEquals(1, sync(server, c));
            assertTrue(c.err().contains("bad.txt: HTTP 400: line"), c.err());
            assertTrue(c.out().contains("1 failed"), c.out());

            server.requests.clear();
            server.reject = Set.of();
            CapturedConsole again = new CapturedConsole();
            assertEquals(0, sync(server, again), again.err());
            assertEquals(1, server.requests.get(0).body().lines().count());
            assertTrue(server.requests.get(0).body().contains("bad.txt"));
        }
    }

    @Test
    void includeAndExcludeGlobsSelectByRelativePath() throws Exception {
        write("docs/a.md", "a");
        write("docs/drafts/b.md", "b");
        write("notes.txt", "n");
        try (IngestServerDouble server = new IngestServerDouble()) {
            CapturedConsole c = new CapturedConsole();
            assertEquals(0, sync(server, c, "--include", "docs/**", "--exclude", "docs/drafts/**"), c.err());
            String body = server.requests.get(0).body();
            assertTrue(body.contains("docs/a.md"), body);
            assertFalse(body.contains("drafts") || body.contains("notes.txt"), body);
        }
    }

    @Test
    void watchSendsAChangeAsALiveEdit() throws Exception {
        write("a.md", "first");
        try (IngestServerDouble server = new IngestServerDouble()) {
            CapturedConsole c = new CapturedConsole();
            Thread watcher = new Thread(() -> sync(server, c, "--watch"));
            watcher.setDaemon(true);
            watcher.start();
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!c.out().contains("Watching") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(c.out().contains("Watching"), c.out() + c.err());
                write("new.md", "# New\n\nWritten while watching.");
                while (server.requests.stream().noneMatch(r -> r.path().endsWith("/new.md")) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                IngestServerDouble.Request live = server.requests.stream().filter(r -> r.path().endsWith("/new.md")).findFirst()
                        .orElseThrow(() -> new AssertionError("no live edit: " + c.out() + c.err()));
                assertEquals("PUT", live.method());
                assertEquals("text/markdown", live.contentType());
                assertEquals(null, live.priority());
            } finally {
                watcher.interrupt();
            }
        }
    }
}
