package dev.freshrag.query.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.http.ProblemException;
import dev.freshrag.query.answer.AnswerRequest;
import dev.freshrag.query.answer.AnswerResource;
import dev.freshrag.query.answer.AnswerResponse;
import dev.freshrag.query.search.SearchRequest;
import dev.freshrag.query.search.SearchResource;
import dev.freshrag.query.search.SearchResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Playground: a search or an answer with the request options the API has, run through the same resources as
 * {@code /search} and {@code /answer} (same validation, same consistency wait), shown as HTML.
 */
@Path("/v1/tenants/{tenant}/console")
@Tag(name = "console")
public class PlaygroundFragments {

    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3})]");

    /**
     * The request options the search API accepts today, read off its body record, so that options added to it
     * ({@code mode}, {@code maxPerDocument}) are sent as soon as they exist, and never before (an unknown field is a 400).
     */
    static final Set<String> SEARCH_OPTIONS = Arrays.stream(SearchRequest.class.getRecordComponents())
            .map(c -> c.getName()).collect(Collectors.toUnmodifiableSet());
    static final Set<String> ANSWER_OPTIONS = Arrays.stream(AnswerRequest.class.getRecordComponents())
            .map(c -> c.getName()).collect(Collectors.toUnmodifiableSet());

    private final SearchResource search;
    private final AnswerResource answer;
    private final ObjectMapper json;

    public PlaygroundFragments(SearchResource search, AnswerResource answer, ObjectMapper json) {
        this.search = search;
        this.answer = answer;
        this.json = json;
    }

    /** The form's fields; text as typed, so that a bad value is reported by the API's own validation. */
    public record Form(String query, String topK, String filter, String consistentWith, String requireConsistent,
                       String mode, String maxPerDocument) {
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: run a search from the Playground form (HTML fragment)")
    public Response search(@PathParam("tenant") String tenant, @FormParam("query") String query, @FormParam("topK") String topK,
                           @FormParam("filter") String filter, @FormParam("consistentWith") String consistentWith,
                           @FormParam("requireConsistent") String requireConsistent, @FormParam("mode") String mode,
                           @FormParam("maxPerDocument") String maxPerDocument) {
        Form form = new Form(query, topK, filter, consistentWith, requireConsistent, mode, maxPerDocument);
        try {
            Map<String, Object> body = body(form, "query", SEARCH_OPTIONS);
            SearchResponse r = search.search(tenant, json.convertValue(body, SearchRequest.class));
            List<ConsoleTemplates.PlaygroundHit> hits = new ArrayList<>();
            int rank = 1;
            for (SearchResponse.Hit h : r.hits()) {
                hits.add(new ConsoleTemplates.PlaygroundHit(rank++, h.docId(), h.version(), h.chunkId(),
                        String.format(Locale.ROOT, "%.4f", h.score()), h.title(), h.text(), metadata(h.metadata())));
            }
            return html(200, ConsoleTemplates.hits(hits, r.consistent()).render());
        } catch (InvalidEventException e) {
            return invalid(e);
        } catch (ProblemException e) {
            return problem(e);
        }
    }

    @POST
    @Path("/answer")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: answer a question from the Playground form (HTML fragment)")
    public Response answer(@PathParam("tenant") String tenant, @FormParam("query") String query, @FormParam("topK") String topK,
                           @FormParam("filter") String filter, @FormParam("consistentWith") String consistentWith,
                           @FormParam("requireConsistent") String requireConsistent, @FormParam("mode") String mode,
                           @FormParam("maxPerDocument") String maxPerDocument) throws IOException {
        Form form = new Form(query, topK, filter, consistentWith, requireConsistent, mode, maxPerDocument);
        try {
            Map<String, Object> body = body(form, "question", ANSWER_OPTIONS);
            Response r = answer.answer(tenant, json.convertValue(body, AnswerRequest.class));
            AnswerResponse a = (AnswerResponse) r.getEntity();
            List<ConsoleTemplates.PlaygroundCitation> citations = a.citations().stream()
                    .map(c -> new ConsoleTemplates.PlaygroundCitation(c.n(), c.docId(), c.version(), c.chunkId(), c.title(), c.text()))
                    .toList();
            return html(200, ConsoleTemplates.answer(new ConsoleTemplates.PlaygroundAnswer(parts(a.answer()), citations,
                    a.generator(), a.model(), a.adapter(), a.fallback(), a.consistent())).render());
        } catch (InvalidEventException e) {
            return invalid(e);
        } catch (ProblemException e) {
            return problem(e);
        }
    }

    /** The JSON body the API would receive: only the options it accepts, blank fields left out. */
    static Map<String, Object> body(Form f, String textField, Set<String> accepted) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(textField, f.query() == null ? "" : f.query());
        if (!blank(f.topK())) {
            body.put("topK", integer("topK", f.topK()));
        }
        if (!blank(f.filter())) {
            Map<String, String> filter = new LinkedHashMap<>();
            for (String line : f.filter().split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 1) {
                    throw new InvalidEventException("filter", "write one key=value per line; '" + line.strip() + "' has no key=");
                }
                filter.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
            body.put("filter", filter);
        }
        if (!blank(f.consistentWith())) {
            body.put("consistentWith", List.of(f.consistentWith().strip().split("[\\s,]+")));
        }
        if (f.requireConsistent() != null) {
            body.put("requireConsistent", true);
        }
        if (accepted.contains("mode") && !blank(f.mode())) {
            body.put("mode", f.mode());
        }
        if (accepted.contains("maxPerDocument") && !blank(f.maxPerDocument())) {
            body.put("maxPerDocument", integer("maxPerDocument", f.maxPerDocument()));
        }
        return body;
    }

    /** The answer's text cut at its citation markers ({@code [n]}), so that each marker links to its passage. */
    static List<ConsoleTemplates.AnswerPart> parts(String text) {
        List<ConsoleTemplates.AnswerPart> parts = new ArrayList<>();
        if (text == null) {
            return parts;
        }
        Matcher m = MARKER.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(new ConsoleTemplates.AnswerPart(text.substring(at, m.start()), 0));
            }
            parts.add(new ConsoleTemplates.AnswerPart(m.group(), Integer.parseInt(m.group(1))));
            at = m.end();
        }
        if (at < text.length()) {
            parts.add(new ConsoleTemplates.AnswerPart(text.substring(at), 0));
        }
        return parts;
    }

    private static int integer(String field, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidEventException(field, "must be a whole number, was '" + value.strip() + "'");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String metadata(Map<String, String> m) {
        return m == null || m.isEmpty() ? "" : m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .sorted().collect(Collectors.joining(", "));
    }

    static Response invalid(InvalidEventException e) {
        List<ConsoleTemplates.FieldError> errors = e.violations().stream()
                .map(v -> new ConsoleTemplates.FieldError(v.field(), v.message())).toList();
        return html(400, ConsoleTemplates.problem("Invalid request", "", errors).render());
    }

    static Response problem(ProblemException e) {
        return html(e.problem().status(), ConsoleTemplates.problem(e.problem().title(), e.problem().detail(), List.of()).render());
    }

    static Response html(int status, String body) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(body).build();
    }
}
