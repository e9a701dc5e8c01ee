package dev.freshrag.ingest.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.ingest.extraction.ExtractedText;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented mapping of a CloudEvent's attributes and data to a document change. */
class CloudEventMappingTest {

    private final CloudEventMapping mapping = new CloudEventMapping(
            (data, format) -> new ExtractedText("extracted from " + format.mediaType(), format.contentType(), "A title"));

    private static CloudEventBuilder event(String type) {
        return CloudEventBuilder.v1().withId("1").withSource(URI.create("/cms")).withType(type).withSubject("pages/home.md");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void subjectTimeVersionAndTextDataMakeAnUpsert() {
        MappedEvent m = mapping.map(event("com.example.page.updated").withTime(OffsetDateTime.parse("2026-11-30T10:00:00Z"))
                .withExtension(CloudEventMapping.VERSION, 7).withDataContentType("text/markdown")
                .withData(utf8("# Home\n\nWelcome.")).build(), "acme", true);
        DocumentChange c = m.change();
        assertThat(c.tenant()).isEqualTo("acme");
        assertThat(c.docId()).isEqualTo("pages/home.md");
        assertThat(c.op()).isEqualTo(Op.UPSERT);
        assertThat(c.version()).isEqualTo(7L);
        assertThat(c.contentType()).isEqualTo("text/markdown");
        assertThat(c.content()).isEqualTo("# Home\n\nWelcome.");
        assertThat(c.sourceTimestamp()).isEqualTo("2026-11-30T10:00Z");
        assertThat(m.priority()).isEqualTo(Priority.LIVE);
    }

    @Test
    void deletedAndRemovedTypesAreDeletesAndNeedNoData() {
        for (String type : new String[] {"com.example.page.deleted", "Page.Removed"}) {
            DocumentChange c = mapping.map(event(type).withExtension(CloudEventMapping.VERSION, "8").build(), "acme", true).change();
            assertThat(c.op()).as(type).isEqualTo(Op.DELETE);
            assertThat(c.version()).isEqualTo(8L);
            assertThat(c.content()).isNull();
        }
        // "deleted" somewhere else in the type is not a delete
        assertThat(mapping.map(event("com.example.deleted.page").withData(utf8("x")).build(), "acme", true).change().op())
                .isEqualTo(Op.UPSERT);
    }

    @Test
    void jsonDataCarriesTitleContentTypeContentAndMetadata() {
        byte[] json = utf8("{\"title\": \"Home\", \"contentType\": \"text/html\", \"content\": \"<p>Hi</p>\", \"metadata\": {\"team\": \"web\"}, \"extra\": 1}");
        DocumentChange withType = mapping.map(event("page.created").withDataContentType("application/json").withData(json).build(), "acme", true).change();
        assertThat(withType.title()).isEqualTo("Home");
        assertThat(withType.contentType()).isEqualTo("text/html");
        assertThat(withType.content()).isEqualTo("<p>Hi</p>");
        assertThat(withType.metadata()).isEqualTo(Map.of("team", "web"));
        // without datacontenttype a JSON object is JSON, anything else is plain text
        assertThat(mapping.map(event("page.created").withData(json).build(), "acme", true).change().title()).isEqualTo("Home");
        DocumentChange text = mapping.map(event("page.created").withData(utf8("plain words")).build(), "acme", true).change();
        assertThat(text.content()).isEqualTo("plain words");
        assertThat(text.contentType()).isEqualTo("text/plain");
    }

    @Test
    void officeDocumentsGoThroughTheExtractor() {
        DocumentChange c = mapping.map(event("page.created").withDataContentType("application/pdf").withData(new byte[] {1, 2}).build(),
                "acme", true).change();
        assertThat(c.content()).isEqualTo("extracted from application/pdf");
        assertThat(c.contentType()).isEqualTo("text/plain");
        assertThat(c.title()).isEqualTo("A title");
        CloudEventMapping kafka = new CloudEventMapping(CloudEventMapping.NO_EXTRACTION);
        assertThatThrownBy(() -> kafka.map(event("page.created").withDataContentType("application/pdf").withData(new byte[] {1}).build(),
                "acme", false)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.violations().get(0).field()).isEqualTo("datacontenttype"));
    }

    @Test
    void tenantAndPriorityExtensions() {
        MappedEvent m = mapping.map(event("page.created").withExtension(CloudEventMapping.TENANT, "acme")
                .withExtension(CloudEventMapping.PRIORITY, "bulk").withData(utf8("x")).build(), "acme", true);
        assertThat(m.priority()).isEqualTo(Priority.BULK);
        // over Kafka the extension names the tenant when the key does not
        assertThat(mapping.map(event("page.created").withExtension(CloudEventMapping.TENANT, "beta").withData(utf8("x")).build(), null, false)
                .change().tenant()).isEqualTo("beta");
        assertThatThrownBy(() -> mapping.map(event("page.created").withExtension(CloudEventMapping.TENANT, "beta").withData(utf8("x")).build(),
                "acme", true)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.getMessage()).contains("freshragtenant").contains("'acme'"));
    }

    @Test
    void badEventsNameTheAttribute() {
        assertThat(field(CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("page.created").withData(utf8("x")))).isEqualTo("subject");
        assertThat(field(event("page.created"))).isEqualTo("data");
        assertThat(field(event("page.created").withExtension(CloudEventMapping.VERSION, "seven").withData(utf8("x")))).isEqualTo("freshragversion");
        assertThat(field(event("page.created").withExtension(CloudEventMapping.VERSION, 0).withData(utf8("x")))).isEqualTo("freshragversion");
        assertThat(field(event("page.created").withDataContentType("image/png").withData(new byte[] {1}))).isEqualTo("datacontenttype");
        assertThat(field(event("page.created").withDataContentType("application/json").withData(utf8("{\"content\": 5}")))).isEqualTo("content");
        assertThat(field(event("page.created").withDataContentType("text/plain").withData(new byte[] {(byte) 0xff, (byte) 0xfe}))).isEqualTo("data");
    }

    private String field(CloudEventBuilder b) {
        try {
            mapping.map(b.build(), "acme", true);
        } catch (InvalidEventException e) {
            return e.violations().get(0).field();
        }
        throw new AssertionError("expected a violation");
    }
}
