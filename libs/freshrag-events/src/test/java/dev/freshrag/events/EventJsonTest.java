package dev.freshrag.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheDocumentedExample() {
        DocumentChange e = EventJson.readDocumentChange(json("""
                {"tenant": "acme", "docId": "handbook/leave.md", "version": 7, "op": "UPSERT",
                 "title": "Leave policy", "contentType": "text/markdown", "content": "...",
                 "metadata": {"team": "hr"}, "sourceTimestamp": "2026-11-29T02:00:00Z", "extra": 1}"""));
        assertEquals("acme", e.tenant());
        assertEquals("handbook/leave.md", e.docId());
        assertEquals(7L, e.version());
        assertEquals(Op.UPSERT, e.op());
        assertEquals(Map.of("team", "hr"), e.metadata());
        assertEquals(ContentType.TEXT_MARKDOWN, e.parsedContentType());
        assertEquals(new DocumentKey("acme", "handbook/leave.md"), e.key());
    }

    @Test
    void versionIsOptional() {
        DocumentChange e = EventJson.readDocumentChange(json("{\"tenant\":\"a\",\"docId\":\"d\",\"op\":\"DELETE\"}"));
        assertNull(e.version());
        assertEquals(Map.of(), e.metadata());
    }

    @Test
    void namesTheFieldOfAWrongType() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> EventJson.readDocumentChange(json("{\"tenant\":\"a\",\"docId\":\"d\",\"op\":\"UPSERT\",\"version\":\"7\"}")));
        assertEquals("version", e.violations().get(0).field());
        e = assertThrows(InvalidEventException.class,
                () -> EventJson.readDocumentChange(json("{\"tenant\":\"a\",\"docId\":\"d\",\"op\":\"UPSERT\",\"metadata\":{\"k\":{\"nested\":1}}}")));
        assertTrue(e.violations().get(0).field().startsWith("metadata"), e.getMessage());
        e = assertThrows(InvalidEventException.class,
                () -> EventJson.readDocumentChange(json("{\"tenant\":\"a\",\"docId\":\"d\",\"op\":\"MERGE\"}")));
        assertEquals("op", e.violations().get(0).field());
    }

    @Test
    void rejectsNonJsonEmptyAndNull() {
        assertThrows(InvalidEventException.class, () -> EventJson.readDocumentChange(json("not json")));
        assertThrows(InvalidEventException.class, () -> EventJson.readDocumentChange(new byte[0]));
        assertThrows(InvalidEventException.class, () -> EventJson.readDocumentChange(null));
        assertThrows(InvalidEventException.class, () -> EventJson.readDocumentChange(json("null")));
        assertThrows(InvalidEventException.class, () -> EventJson.readDocumentChange(json("[1,2]")));
    }

    @Test
    void documentOpsRoundTrip() {
        DocumentOps ops = new DocumentOps("t", "d/1", 3, DocumentOps.Kind.APPLY, "T", Map.of("k", "v"),
                List.of(ChunkOp.embed("id1", 0, "h1", "text"), ChunkOp.payload("id2", 1, "h2"), ChunkOp.delete("id3")), 2, 1, 42);
        assertEquals(ops, EventJson.readDocumentOps(EventJson.write(ops)));
    }
}
