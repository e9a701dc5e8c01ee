package dev.freshrag.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline benchmark's warm-up events: other tenants, and no line of text the measured replay will embed. */
class PipelineWarmUpTest {

    private static PepStream.Event event(String tenant, String docId, String content) {
        ObjectNode json = new ObjectMapper().createObjectNode().put("tenant", tenant).put("docId", docId)
                .put("title", "T").put("content", content);
        return new PepStream.Event(tenant, docId, 1, "upsert", json);
    }

    @Test
    void warmUpEventsAreOtherTenantsWithEveryLineAltered() {
        String content = "PEP: 8\n\nIntroduction\n============\n\n  indented code\nlast line";
        List<PepStream.Event> events = List.of(event("pep-a", "pep-0008", content), event("pep-b", "pep-0001", "x"),
                event("pep-a", "pep-0002", "y"));

        List<PepStream.Event> warm = PipelineBench.warmUpEvents(events, 2);

        assertEquals(List.of("warm-pep-a", "warm-pep-b"), warm.stream().map(PepStream.Event::tenant).toList());
        assertEquals("warm-pep-a", warm.get(0).json().get("tenant").asText());
        assertEquals("pep-0008", warm.get(0).docId());
        List<String> altered = Arrays.asList(warm.get(0).content().split("\n"));
        for (String line : content.split("\n")) {
            if (!line.isBlank()) {
                assertFalse(altered.contains(line), "the original line survived: " + line);
            }
        }
        assertTrue(altered.containsAll(List.of("warm-up PEP: 8", "warm-up   indented code", "warm-up last line")),
                altered.toString());
        assertEquals(content, events.get(0).content(), "the measured replay's events are untouched");
    }
}
