package dev.freshrag.query.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.query.answer.TestIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The console's page and fragments in the application, keys off (so every page is open, for the configured tenant):
 * what each fragment shows of a real index, and that bad input comes back as HTML next to the form, not as a 500.
 * The browser side (sign-in with keys, htmx, the pages a role sees) is ConsoleBrowserIT's.
 */
@QuarkusTest
class ConsoleFragmentsTest {

    @Inject
    Embedder embedder;

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    private final String tenant = "con-" + UUID.randomUUID().toString().substring(0, 8);

    private String base() {
        return "/v1/tenants/" + tenant + "/console";
    }

    @Test
    void thePageLoadsHtmxFromItsWebjarAndSignsInWithoutKeysAsTheConfiguredTenant() throws Exception {
        Response page = given().get("/console");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.asString()).contains("<label for=\"api-key\">API key</label>", "/webjars/htmx.org/dist/htmx.min.js",
                "/v1/tenants/:tenant/console/search");
        assertThat(given().get("/webjars/htmx.org/dist/htmx.min.js").statusCode()).isEqualTo(200);
        assertThat(given().get("/console/console.js").asString()).contains("sessionStorage", "Authorization");

        Response session = given().get("/console/session");
        assertThat(session.statusCode()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(session.asString());
        assertThat(json.get("tenant").asText()).isEqualTo("acme");
        assertThat(json.get("pages").toString()).contains("\"overview\"", "\"dead-letters\"", "\"tenant-config\"");
    }

    @Test
    void documentsAreFoundByPrefixAndTheirChunksShownAsIndexed() {
        TestIndex.put(Path.of(indexPath), embedder, tenant, "handbook/leave.md", 3, "Leave",
                List.of("Employees get 25 days of paid leave.", "Unused days carry over to March."));
        TestIndex.put(Path.of(indexPath), embedder, tenant, "it/laptops.md", 1, "Laptops", List.of("Laptops are replaced every 3 years."));

        String list = given().queryParam("prefix", "handbook/").get(base() + "/documents").asString();
        assertThat(list).contains("handbook/leave.md", "<td>3</td><td>2</td>").doesNotContain("it/laptops.md");

        String chunks = given().queryParam("docId", "handbook/leave.md").get(base() + "/chunks").asString();
        assertThat(chunks).contains("Employees get 25 days of paid leave.", "Unused days carry over to March.", "version 3");
        assertThat(chunks.indexOf("Employees")).isLessThan(chunks.indexOf("Unused"));
    }

    @Test
    void thePlaygroundSearchesAndAnswersWithCitationsLinkedToTheirPassages() {
        String token = TestIndex.put(Path.of(indexPath), embedder, tenant, "handbook/leave.md", 1, "Leave",
                List.of("Employees get 25 days of paid leave per year.", "The canteen opens at noon."));

        Response search = given().formParam("query", "how many vacation days").formParam("topK", "1")
                .formParam("consistentWith", token).post(base() + "/search");
        assertThat(search.statusCode()).as(search.asString()).isEqualTo(200);
        assertThat(search.asString()).contains("25 days of paid leave", "consistent: true", "class=\"score\"")
                .doesNotContain("canteen");

        Response answer = given().formParam("query", "How many days of paid leave do employees get?")
                .formParam("filter", "team=hr").post(base() + "/answer");
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.asString()).contains("href=\"#citation-1\"", "id=\"citation-1\"", "extractive", "25 days");
    }

    @Test
    void badPlaygroundInputIsShownAsHtmlWithTheFieldNamed() {
        Response r = given().formParam("query", "anything").formParam("topK", "0").post(base() + "/search");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.asString()).contains("<code>topK</code>", "between 1 and 100");

        Response f = given().formParam("query", "anything").formParam("filter", "no equals sign").post(base() + "/search");
        assertThat(f.statusCode()).isEqualTo(400);
        assertThat(f.asString()).contains("<code>filter</code>");
    }

    @Test
    void tenantConfigurationErrorsAreShownNextToTheirFieldsAndAGoodSaveIsReadBack() {
        Response bad = given().formParam("topK", "0").formParam("promptTemplate", "{question} {pasages}")
                .post("/v1/admin/tenants/" + tenant + "/console");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.asString()).contains("id=\"err-topk\"", "must be between 1 and", "id=\"err-template\"", "{pasages}");

        Response good = given().formParam("topK", "3").post("/v1/admin/tenants/" + tenant + "/console");
        assertThat(good.statusCode()).as(good.asString()).isEqualTo(200);
        assertThat(good.asString()).contains("id=\"saved\"").doesNotContain("class=\"error\"");
        assertThat(given().get("/v1/admin/tenants/" + tenant + "/console").asString()).contains("value=\"3\"");
        assertThat(given().get("/v1/admin/tenants/" + tenant).asString()).contains("\"topK\":3");
    }

    @Test
    void theOverviewShowsEachServiceAndTheIndexGenerationEvenWhenTheOthersAreUnreachable() {
        String html = given().get("/v1/console/overview").asString();
        assertThat(html).contains("data-service=\"ingest-service\"", "data-service=\"embed-service\"", "status-unreachable",
                "generation 1 (all-minilm-l6-v2, 384 dimensions)", "id=\"freshness-chart\"");
        assertThat(html).containsPattern("data-service=\"query-service\"><td>query-service</td><td class=\"status-UP\"");
    }
}
