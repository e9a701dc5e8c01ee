package dev.freshrag.ingest.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.Priority;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The raw document PUT (Tika before publishing, so the event carries text) and CloudEvents over HTTP, on the in-JVM
 * broker.
 */
@QuarkusTest
class FileAndCloudEventGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private final String tenant = "fc-" + UUID.randomUUID().toString().substring(0, 8);

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = FileAndCloudEventGatewayTest.class.getResourceAsStream("/documents/" + name)) {
            return in.readAllBytes();
        }
    }

    private static JsonNode eventAt(String token) throws Exception {
        WriteToken t = WriteToken.parse(token).orElseThrow();
        ConsumerRecord<String, String> r = KafkaBroker.shared().awaitRecord(Topics.DOC_CHANGES,
                rec -> rec.partition() == t.partition() && rec.offset() == t.offset(), WAIT);
        return JSON.readTree(r.value());
    }

    private static JsonNode accepted(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        return JSON.readTree(r.asString());
    }

    @Test
    void aPdfIsPublishedAsItsTextWithQueryParameters() throws Exception {
        Response r = given().urlEncodingEnabled(false).contentType("application/pdf").body(fixture("pelicans.pdf"))
                .queryParam("version", 4).queryParam("meta.team", "birds")
                .put("/v1/tenants/" + tenant + "/documents/guides%2Fpelicans.pdf");
        JsonNode answer = accepted(r);
        assertThat(answer.get("docId").asText()).isEqualTo("guides/pelicans.pdf");
        JsonNode event = eventAt(answer.get("token").asText());
        assertThat(event.get("contentType").asText()).isEqualTo("text/plain");
        assertThat(event.get("content").asText()).contains("migrate to the salt marshes every October");
        assertThat(event.get("title").asText()).isEqualTo("Pelican handbook");
        assertThat(event.get("version").asLong()).isEqualTo(4);
        assertThat(event.get("metadata").get("team").asText()).isEqualTo("birds");
    }

    @Test
    void aDocxMarkedBulkGetsABulkToken() throws Exception {
        Response r = given().contentType(DOCX).header(Priority.HEADER, "bulk").queryParam("title", "Given title")
                .body(fixture("otters.docx")).put("/v1/tenants/" + tenant + "/documents/otters.docx");
        String token = accepted(r).get("token").asText();
        assertThat(BulkWriteToken.parse(token)).as(token).isPresent();
    }

    @Test
    void unsupportedAndUnreadableFilesAreProblemsNamingWhy() throws Exception {
        Response png = given().contentType("image/png").body(new byte[] {1, 2, 3}).put("/v1/tenants/" + tenant + "/documents/x.png");
        assertThat(png.statusCode()).isEqualTo(415);
        assertThat(png.contentType()).startsWith("application/problem+json");
        assertThat(JSON.readTree(png.asString()).get("detail").asText()).contains("'image/png").contains("is not supported").contains("application/pdf");

        Response broken = given().contentType("application/pdf").body("not a pdf".getBytes(StandardCharsets.UTF_8))
                .put("/v1/tenants/" + tenant + "/documents/x.pdf");
        assertThat(broken.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(broken.asString()).get("detail").asText()).contains("could not be read as application/pdf");
    }

    @Test
    void markdownIsPublishedAsMarkdown() throws Exception {
        Response r = given().contentType("text/markdown; charset=utf-8").body("# Notes\n\nKeep it short.")
                .put("/v1/tenants/" + tenant + "/documents/notes.md");
        JsonNode event = eventAt(accepted(r).get("token").asText());
        assertThat(event.get("contentType").asText()).isEqualTo("text/markdown");
        assertThat(event.get("content").asText()).isEqualTo("# Notes\n\nKeep it short.");
    }

    @Test
    void cloudEventsInBinaryAndStructuredMode() throws Exception {
        Response binary = given().contentType("text/plain").header("ce-specversion", "1.0").header("ce-id", "1")
                .header("ce-source", "/cms").header("ce-type", "com.example.page.published").header("ce-subject", "pages/about")
                .header("ce-freshragversion", "2").body("About us: we bake bread.")
                .post("/v1/tenants/" + tenant + "/events");
        JsonNode a = accepted(binary);
        assertThat(a.get("docId").asText()).isEqualTo("pages/about");
        JsonNode upsert = eventAt(a.get("token").asText());
        assertThat(upsert.get("content").asText()).isEqualTo("About us: we bake bread.");
        assertThat(upsert.get("version").asLong()).isEqualTo(2);

        Response structured = given().contentType("application/cloudevents+json").body("""
                {"specversion": "1.0", "id": "2", "source": "/cms", "type": "com.example.page.deleted",
                 "subject": "pages/about", "freshragversion": 3}""").post("/v1/tenants/" + tenant + "/events");
        JsonNode delete = eventAt(accepted(structured).get("token").asText());
        assertThat(delete.get("op").asText()).isEqualTo("DELETE");
        assertThat(delete.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void badCloudEventsAre400Problems() throws Exception {
        Response notAnEvent = given().contentType("text/plain").body("hello").post("/v1/tenants/" + tenant + "/events");
        assertThat(notAnEvent.statusCode()).isEqualTo(400);
        assertThat(notAnEvent.contentType()).startsWith("application/problem+json");
        assertThat(JSON.readTree(notAnEvent.asString()).get("detail").asText()).contains("not a valid CloudEvent");

        Response noSubject = given().contentType("application/cloudevents+json").body("""
                {"specversion": "1.0", "id": "2", "source": "/cms", "type": "page.created", "data": "x"}""")
                .post("/v1/tenants/" + tenant + "/events");
        assertThat(noSubject.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noSubject.asString()).get("violations").get(0).get("field").asText()).isEqualTo("subject");
    }
}
