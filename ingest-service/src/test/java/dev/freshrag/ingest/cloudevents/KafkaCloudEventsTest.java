package dev.freshrag.ingest.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The Kafka protocol binding, both content modes, as producers write it (headers built by hand). */
public class KafkaCloudEventsTest {

    private final KafkaCloudEvents binding = new KafkaCloudEvents();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static RecordHeaders binaryHeaders(String type, String subject) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", utf8("1.0"));
        h.add("ce_id", utf8("42"));
        h.add("ce_source", utf8("/wiki"));
        h.add("ce_type", utf8(type));
        h.add("ce_subject", utf8(subject));
        h.add("ce_freshragversion", utf8("3"));
        h.add("content-type", utf8("text/markdown"));
        return h;
    }

    @Test
    void binaryModeTakesTheTenantFromTheKey() {
        RecordHeaders h = binaryHeaders("wiki.page.updated", "faq.md");
        assertThat(KafkaCloudEvents.isCloudEvent(h)).isTrue();
        DocumentChange c = binding.read(utf8("acme/faq.md"), h, utf8("# FAQ\n\nAnswers."));
        assertThat(c.tenant()).isEqualTo("acme");
        assertThat(c.docId()).isEqualTo("faq.md");
        assertThat(c.version()).isEqualTo(3L);
        assertThat(c.contentType()).isEqualTo("text/markdown");
        assertThat(c.content()).isEqualTo("# FAQ\n\nAnswers.");
    }

    @Test
    void structuredModeIsDetectedByItsContentType() {
        RecordHeaders h = new RecordHeaders();
        h.add("content-type", utf8("application/cloudevents+json; charset=utf-8"));
        assertThat(KafkaCloudEvents.isCloudEvent(h)).isTrue();
        DocumentChange c = binding.read(utf8("acme/faq.md"), h, utf8("""
                {"specversion": "1.0", "id": "7", "source": "/wiki", "type": "wiki.page.deleted", "subject": "faq.md",
                 "freshragversion": 9}"""));
        assertThat(c.op()).isEqualTo(Op.DELETE);
        assertThat(c.version()).isEqualTo(9L);
    }

    @Test
    void ordinaryEventsAreNotCloudEventsAndBrokenOnesAreNamed() {
        RecordHeaders plain = new RecordHeaders();
        plain.add("content-type", utf8("application/json"));
        assertThat(KafkaCloudEvents.isCloudEvent(plain)).isFalse();
        assertThat(KafkaCloudEvents.isCloudEvent(new RecordHeaders())).isFalse();

        RecordHeaders noType = binaryHeaders("x", "faq.md");
        noType.remove("ce_type");
        assertThatThrownBy(() -> binding.read(utf8("acme/faq.md"), noType, utf8("x")))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.getMessage()).contains("not a valid CloudEvent"));
    }
}
