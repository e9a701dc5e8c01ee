package dev.freshrag.query.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Dead letters (operator key): the ingest-service's {@code /v1/operator/dlq} API, called with the operator's own
 * key (forwarded as it came), so the ingest-service decides exactly as it does for {@code ./freshrag dlq}.
 */
@Path("/v1/operator/console/dlq")
@Tag(name = "console")
public class DeadLetterFragments {

    /** Most dead letters one listing shows (the API's default limit). */
    static final int LIMIT = 100;

    private final ConsoleConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    public DeadLetterFragments(ConsoleConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.callTimeout()).build();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: dead letters with reason, field, stage and source position (HTML fragment; operator key)")
    public Response list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                         @QueryParam("reason") @DefaultValue("") String reason, @QueryParam("tenant") @DefaultValue("") String tenant)
            throws Exception {
        HttpResponse<String> r = call("GET", "/v1/operator/dlq?limit=" + LIMIT + param("reason", reason) + param("tenant", tenant),
                authorization);
        if (r.statusCode() != 200) {
            return failed(r);
        }
        List<ConsoleTemplates.DeadLetterRow> rows = new ArrayList<>();
        for (JsonNode n : json.readTree(r.body())) {
            String source = n.path("sourceTopic").asText("?") + "/" + n.path("sourcePartition").asText("?") + "/"
                    + n.path("sourceOffset").asText("?");
            rows.add(new ConsoleTemplates.DeadLetterRow(n.path("partition").asInt(), n.path("offset").asLong(),
                    n.path("reason").asText(""), n.path("field").asText(""), n.path("stage").asText(""), source,
                    n.path("tenant").asText(""), n.path("key").asText(""), n.path("timestamp").asText("")));
        }
        return PlaygroundFragments.html(200, ConsoleTemplates.deadLetters(rows, reason, tenant).render());
    }

    @POST
    @Path("/replay")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: replay one dead letter, by its kb.dlq partition and offset (HTML fragment; operator key)")
    public Response replay(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @FormParam("partition") int partition,
                           @FormParam("offset") long offset) throws Exception {
        HttpResponse<String> r = call("POST", "/v1/operator/dlq/replay?partition=" + partition + "&from=" + offset + "&to=" + offset,
                authorization);
        if (r.statusCode() != 200) {
            return failed(r);
        }
        long n = json.readTree(r.body()).path("replayed").asLong();
        return PlaygroundFragments.html(200, ConsoleTemplates.replayed(n, "kb.dlq/" + partition + "/" + offset).render());
    }

    private HttpResponse<String> call(String method, String pathAndQuery, String authorization) throws Exception {
        String url = config.ingestUrl().orElseThrow(() -> new dev.freshrag.http.ProblemException(dev.freshrag.http.Problem.of(
                503, "Service Unavailable", "the console does not know the ingest-service: set freshrag.console.ingest-url")));
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(30)) // a listing reads kb.dlq to its end: longer than a health call
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new dev.freshrag.http.ProblemException(dev.freshrag.http.Problem.of(502, "Bad Gateway",
                    "the ingest-service at " + base + " did not answer: " + e.getClass().getSimpleName()));
        }
    }

    private Response failed(HttpResponse<String> r) {
        String detail;
        try {
            detail = json.readTree(r.body()).path("detail").asText(r.body());
        } catch (Exception e) {
            detail = "the ingest-service answered " + r.statusCode();
        }
        return PlaygroundFragments.html(r.statusCode() >= 400 && r.statusCode() < 600 ? r.statusCode() : 502,
                ConsoleTemplates.problem("The ingest-service refused", detail, List.of()).render());
    }

    private static String param(String name, String value) {
        return value == null || value.isBlank() ? "" : "&" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
