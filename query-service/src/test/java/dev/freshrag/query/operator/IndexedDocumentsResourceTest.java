package dev.freshrag.query.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.query.answer.TestIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** GET /v1/operator/index/documents: the paged listing of a tenant's indexed documents, over the real Lucene index. */
@QuarkusTest
class IndexedDocumentsResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    private final String tenant = "list-" + UUID.randomUUID().toString().substring(0, 8);

    /** Writes documents with their marks as the embed-service does; the last one is deleted again (a tombstone). */
    private void write(int documents) {
        float[] vector = new float[TestIndex.FINGERPRINT.dimension()];
        vector[0] = 1f;
        synchronized (TestIndex.class) { // TestIndex.put opens the same writer: one at a time
            try (LuceneWriterIndex w = LuceneWriterIndex.open(Path.of(indexPath), TestIndex.FINGERPRINT,
                    LuceneOptions.defaults())) {
                long offset = w.appliedSourceOffsets().next(0);
                for (int d = 0; d < documents; d++) {
                    String docId = "doc-" + d + ".md";
                    w.upsert(List.of(new IndexPoint(tenant, docId, tenant + "-c" + d, 0, "h" + d, "text " + d,
                            new DocumentPayload(d + 1, "t", Map.of()), vector, System.currentTimeMillis())));
                    w.markDocument(tenant, docId, new DocumentMark(d + 1, false, 0, offset + d));
                }
                String deleted = "doc-" + (documents - 1) + ".md";
                w.deleteDocument(tenant, deleted);
                w.markDocument(tenant, deleted, new DocumentMark(documents + 1, true, 0, offset + documents));
                w.commit(SourceOffsets.applied(0, offset + documents));
            }
        }
    }

    private Map<String, Long> listAll(int limit) throws Exception {
        Map<String, Long> listed = new TreeMap<>();
        String after = null;
        int pages = 0;
        do {
            var request = given().queryParam("tenant", tenant).queryParam("limit", limit);
            if (after != null) {
                request.queryParam("after", after);
            }
            Response r = request.get("/v1/operator/index/documents");
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.asString());
            assertThat(page.get("tenant").asText()).isEqualTo(tenant);
            assertThat(page.get("documents").size()).isLessThanOrEqualTo(limit);
            page.get("documents").forEach(d -> listed.put(d.get("docId").asText(), d.get("version").asLong()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (after != null && pages < 50);
        assertThat(after).as("the listing ends").isNull();
        return listed;
    }

    @Test
    void listsTheTenantsLiveDocumentsPageByPage() throws Exception {
        write(6);
        Map<String, Long> expected = Map.of("doc-0.md", 1L, "doc-1.md", 2L, "doc-2.md", 3L, "doc-3.md", 4L,
                "doc-4.md", 5L);
        // the reader sees a commit once it refreshed
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listAll(2)).isEqualTo(expected));
        assertThat(listAll(1000)).isEqualTo(expected);
    }

    @Test
    void aMissingTenantOrALimitOutOfRangeIsAProblem() {
        Response noTenant = given().get("/v1/operator/index/documents");
        assertThat(noTenant.statusCode()).isEqualTo(400);
        assertThat(noTenant.contentType()).startsWith("application/problem+json");
        assertThat(noTenant.asString()).contains("tenant");

        Response badLimit = given().queryParam("tenant", tenant).queryParam("limit", 1001).get("/v1/operator/index/documents");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.asString()).contains("limit must be 1 to 1000");
    }
}
