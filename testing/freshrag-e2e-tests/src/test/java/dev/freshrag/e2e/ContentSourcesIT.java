package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.cli.CliContext;
import dev.freshrag.cli.Console;
import dev.freshrag.cli.FreshragCli;
import dev.freshrag.cli.Settings;
import dev.freshrag.events.Topics;
import dev.freshrag.security.Role;
import dev.freshrag.testkit.documents.ZipDocumentBuilder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real content sources on the packaged services: {@code freshrag sync} of a folder with each format the issue names
 * (the PDF, DOCX, PPTX and RTF fixtures are copies of ingest-service's test resources, written by PDFBox and POI; the ODT
 * and EPUB files are written at run time by {@link ZipDocumentBuilder}), and CloudEvents over
 * HTTP and on kb.doc-changes.
 */
class ContentSourcesIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static PipelineStack stack;

    @TempDir
    Path folder;

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    /** The CLI in this JVM, as {@code ./freshrag sync} runs it; answers (exit code, standard output). */
    private record Run(int rc, String out, String err) {
    }

    private Run sync(String tenant) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc = FreshragCli.run(new String[] {"sync", folder.toString(), "--tenant", tenant, "--url", stack.ingestUrl(),
                "--key", stack.key(tenant, Role.WRITER)},
                new CliContext(console, () -> Settings.from(Map.of("FRESHRAG_HOME", folder.resolve(".home").toString()), folder, folder)));
        Run run = new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("[sync] " + run.out().strip() + (run.err().isBlank() ? "" : "\n[sync err] " + run.err().strip()));
        return run;
    }

    private static List<String> hitDocIds(String tenant, String query) {
        JsonNode hits = stack.search(tenant, Map.of("query", query, "topK", 3)).json().get("hits");
        return hits == null ? List.of() : hits.findValuesAsText("docId");
    }

    private static void awaitTopHit(String tenant, String query, String docId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode hits = stack.search(tenant, Map.of("query", query, "topK", 1)).json().get("hits");
            assertThat(hits).as(query).isNotEmpty();
            assertThat(hits.get(0).get("docId").asText()).as(query).isEqualTo(docId);
            assertThat(hits.get(0).get("text").asText()).isNotBlank();
        });
    }

    private void copyFixture(String name) throws Exception {
        try (InputStream in = ContentSourcesIT.class.getResourceAsStream("/documents/" + name)) {
            Files.write(folder.resolve("files").resolve(name), in.readAllBytes());
        }
    }

    @Test
    void syncMakesEveryFormatSearchableDeletesWhatIsGoneAndSendsNothingTwice() throws Exception {
        String tenant = "sync-" + RUN;
        Files.createDirectories(folder.resolve("files"));
        Files.writeString(folder.resolve("files/lighthouse.md"), "# Lighthouse\n\nThe lighthouse keeper paints the spiral stairs turquoise every spring.");
        Files.writeString(folder.resolve("files/bakery.html"), "<h1>Bakery</h1><p>The bakery on the pier sells cardamom buns at dawn.</p>");
        Files.writeString(folder.resolve("files/ferry.txt"), "The ferry timetable changes whenever the harbour freezes over.");
        copyFixture("pelicans.pdf");
        copyFixture("otters.docx");
        copyFixture("walrus.pptx");
        copyFixture("herons.rtf");
        Files.write(folder.resolve("files/puffins.odt"), ZipDocumentBuilder.odt("Puffins in the ODT fixture nest in abandoned rabbit burrows."));
        Files.write(folder.resolve("files/cormorants.epub"), ZipDocumentBuilder.epub("Cormorant almanac",
                "Cormorants in the EPUB fixture dry their wings on the harbour wall."));

        Run first = sync(tenant);
        assertThat(first.rc()).as(first.err()).isZero();
        assertThat(first.out()).contains("Synced: 9 new, 0 changed, 0 deleted, 0 unchanged, 0 failed");
        awaitTopHit(tenant, "lighthouse keeper paints the stairs turquoise", "files/lighthouse.md");
        awaitTopHit(tenant, "cardamom buns sold at the pier bakery", "files/bakery.html");
        awaitTopHit(tenant, "ferry timetable when the harbour freezes", "files/ferry.txt");
        awaitTopHit(tenant, "pelicans migrate to salt marshes in October", "files/pelicans.pdf");
        awaitTopHit(tenant, "otters juggle pebbles before breakfast", "files/otters.docx");
        awaitTopHit(tenant, "walruses sing sea shanties at dusk", "files/walrus.pptx");
        awaitTopHit(tenant, "herons fish by moonlight", "files/herons.rtf");
        awaitTopHit(tenant, "puffins nest in abandoned rabbit burrows", "files/puffins.odt");
        awaitTopHit(tenant, "cormorants dry their wings on the harbour wall", "files/cormorants.epub");

        Run second = sync(tenant);
        assertThat(second.rc()).isZero();
        assertThat(second.out()).startsWith("Nothing to send: 9 files unchanged since the last sync");

        Files.delete(folder.resolve("files/ferry.txt"));
        Run third = sync(tenant);
        assertThat(third.out()).contains("Synced: 0 new, 0 changed, 1 deleted, 8 unchanged, 0 failed");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(stack.document(tenant, "files/ferry.txt").status()).isEqualTo(404);
            assertThat(hitDocIds(tenant, "ferry timetable when the harbour freezes")).doesNotContain("files/ferry.txt");
        });
    }

    private static int postEvent(String tenant, String contentType, String body) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(stack.ingestUrl() + "/v1/tenants/" + tenant + "/events"))
                    .header("Content-Type", contentType).header("Authorization", "Bearer " + stack.key(tenant, Role.WRITER))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            return r.statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void cloudEventsOverHttpAndKafkaAreSearchable() {
        String tenant = "ce-" + RUN;
        // structured mode over HTTP: the whole event is the body, with the CloudEvents JSON media type
        int status = postEvent(tenant, "application/cloudevents+json", """
                {"specversion": "1.0", "id": "1", "source": "/cms", "type": "com.example.page.published",
                 "subject": "pages/glassblowing", "freshragversion": 1, "datacontenttype": "application/json",
                 "data": {"title": "Workshop", "contentType": "text/markdown",
                          "content": "# Workshop\\n\\nThe glassblowing workshop fires its furnace every Thursday night.",
                          "metadata": {"site": "cms"}}}""");
        assertThat(status).isEqualTo(202);
        awaitTopHit(tenant, "glassblowing furnace on Thursday nights", "pages/glassblowing");

        RecordMetadata m = stack.broker.produce(Topics.DOC_CHANGES, (tenant + "/pages/beekeeping").getBytes(StandardCharsets.UTF_8),
                "The beekeeping club harvests lavender honey in late July.".getBytes(StandardCharsets.UTF_8),
                Map.of("ce_specversion", "1.0", "ce_id", "2", "ce_source", "/wiki", "ce_type", "wiki.page.updated",
                        "ce_subject", "pages/beekeeping", "content-type", "text/plain"));
        assertThat(m.offset()).isNotNegative();
        awaitTopHit(tenant, "lavender honey harvest", "pages/beekeeping");

        RecordMetadata deleted = stack.broker.produce(Topics.DOC_CHANGES, (tenant + "/pages/beekeeping").getBytes(StandardCharsets.UTF_8),
                "{\"specversion\":\"1.0\",\"id\":\"3\",\"source\":\"/wiki\",\"type\":\"wiki.page.deleted\",\"subject\":\"pages/beekeeping\"}"
                        .getBytes(StandardCharsets.UTF_8), Map.of("content-type", "application/cloudevents+json"));
        assertThat(deleted.offset()).isGreaterThan(m.offset());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(stack.document(tenant, "pages/beekeeping").status()).isEqualTo(404);
            assertThat(hitDocIds(tenant, "lavender honey harvest")).doesNotContain("pages/beekeeping");
        });
    }
}
