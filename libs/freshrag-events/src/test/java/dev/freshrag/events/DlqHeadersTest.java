package dev.freshrag.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dead-letter headers both services write: names, order and value formats are public contract. */
class DlqHeadersTest {

    @Test
    void everyHeaderWithItsDocumentedValue() {
        Map<String, byte[]> headers = DlqHeaders.of("content: is required for UPSERT", "content", DlqHeaders.Stage.INGEST,
                "kb.doc-changes", 3, 42L, Instant.parse("2026-11-30T06:00:00Z"));
        Map<String, String> text = new LinkedHashMap<>();
        headers.forEach((k, v) -> text.put(k, new String(v, StandardCharsets.UTF_8)));
        assertEquals(List.of("freshrag.dlq.reason", "freshrag.dlq.field", "freshrag.dlq.stage", "freshrag.dlq.source.topic",
                "freshrag.dlq.source.partition", "freshrag.dlq.source.offset", "freshrag.dlq.timestamp"), List.copyOf(text.keySet()));
        assertEquals("content: is required for UPSERT", text.get(DlqHeaders.REASON));
        assertEquals("content", text.get(DlqHeaders.FIELD));
        assertEquals("ingest", text.get(DlqHeaders.STAGE));
        assertEquals("kb.doc-changes", text.get(DlqHeaders.SOURCE_TOPIC));
        assertEquals("3", text.get(DlqHeaders.SOURCE_PARTITION));
        assertEquals("42", text.get(DlqHeaders.SOURCE_OFFSET));
        assertEquals("2026-11-30T06:00:00Z", text.get(DlqHeaders.TIMESTAMP));
    }

    @Test
    void theEmbedStageIsNamedInLowerCase() {
        byte[] stage = DlqHeaders.of("r", "$", DlqHeaders.Stage.EMBED, "kb.chunk-ops", 0, -1L, Instant.EPOCH).get(DlqHeaders.STAGE);
        assertEquals("embed", new String(stage, StandardCharsets.UTF_8));
    }
}
