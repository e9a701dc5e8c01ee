package dev.freshrag.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentChangeValidatorTest {

    private final DocumentChangeValidator validator = new DocumentChangeValidator(new Limits(100, 10, 2, 5, 8));

    private static DocumentChange upsert(String tenant, String docId, String content) {
        return new DocumentChange(tenant, docId, 1L, Op.UPSERT, null, null, content, null, null);
    }

    private List<String> fields(DocumentChange e) {
        return validator.validate(e).stream().map(Violation::field).toList();
    }

    @Test
    void acceptsAValidEvent() {
        assertEquals(List.of(), validator.validate(upsert("acme", "handbook/leave.md", "hello")));
        assertEquals(List.of(), validator.validate(new DocumentChange("a_b-1", "x", null, Op.DELETE, null, null, null, null, null)));
    }

    @Test
    void tenantSyntax() {
        assertEquals(List.of("tenant"), fields(upsert("Acme", "d", "c")));
        assertEquals(List.of("tenant"), fields(upsert("-acme", "d", "c")));
        assertEquals(List.of("tenant"), fields(upsert("a".repeat(64), "d", "c")));
        assertEquals(List.of(), fields(upsert("a".repeat(63), "d", "c")));
        assertEquals(List.of("tenant"), fields(upsert(null, "d", "c")));
        assertEquals(List.of("tenant"), fields(upsert("a/b", "d", "c")));
    }

    @Test
    void docIdSyntax() {
        assertEquals(List.of("docId"), fields(upsert("a", "", "c")));
        assertEquals(List.of("docId"), fields(upsert("a", "x".repeat(513), "c")));
        assertEquals(List.of(), fields(upsert("a", "x".repeat(512), "c")));
        assertEquals(List.of("docId"), fields(upsert("a", "line\nbreak", "c")));
        assertEquals(List.of(), fields(upsert("a", "über/ドキュメント.md", "c")));
    }

    @Test
    void contentAndLimits() {
        assertEquals(List.of("content"), fields(upsert("a", "d", null)));
        assertEquals(List.of("content"), fields(upsert("a", "d", "é".repeat(51)))); // 102 bytes
        assertEquals(List.of(), fields(upsert("a", "d", "é".repeat(50))));
        assertEquals(List.of("version"), fields(new DocumentChange("a", "d", 0L, Op.UPSERT, null, null, "c", null, null)));
        assertEquals(List.of("contentType"), fields(new DocumentChange("a", "d", 1L, Op.UPSERT, null, "application/pdf", "c", null, null)));
        assertEquals(List.of("title"), fields(new DocumentChange("a", "d", 1L, Op.UPSERT, "t".repeat(11), null, "c", null, null)));
        assertEquals(List.of("metadata"), fields(new DocumentChange("a", "d", 1L, Op.UPSERT, null, null, "c", Map.of("a", "1", "b", "2", "c", "3"), null)));
        assertEquals(List.of("metadata.k"), fields(new DocumentChange("a", "d", 1L, Op.UPSERT, null, null, "c", Map.of("k", "123456789"), null)));
        assertEquals(List.of("op"), fields(new DocumentChange("a", "d", 1L, null, null, null, "c", null, null)));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertEquals(List.of("metadata.k"), fields(new DocumentChange("a", "d", 1L, Op.UPSERT, null, null, "c", withNull, null)));
    }

    @Test
    void contentTypeParameters() {
        assertEquals(ContentType.TEXT_HTML, ContentType.parse("text/HTML; charset=utf-8").orElseThrow());
        assertTrue(ContentType.parse("text/csv").isEmpty());
    }

    @Test
    void keysAndTokens() {
        assertEquals(new DocumentKey("acme", "a/b/c"), DocumentKey.parse("acme/a/b/c").orElseThrow());
        assertTrue(DocumentKey.parse("noslash").isEmpty());
        assertTrue(DocumentKey.parse("/x").isEmpty());
        WriteToken t = new WriteToken("acme", 3, 1234);
        assertEquals(t, WriteToken.parse(t.toString()).orElseThrow());
        assertTrue(WriteToken.parse("v1.acme.3").isEmpty());
        assertTrue(WriteToken.parse("v1.ACME.3.4").isEmpty());
    }
}
