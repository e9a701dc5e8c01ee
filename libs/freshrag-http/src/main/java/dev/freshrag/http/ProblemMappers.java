package dev.freshrag.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code application/problem+json}. Unexpected errors are logged here with
 * their stack trace and answered with a generic 500 that carries none. Failures of a service's own
 * parts (such as the vector index) are mapped by that service.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder b = Response.status(e.problem().status()).type(Problem.MEDIA_TYPE).entity(e.problem());
        e.headers().forEach(b::header);
        return b.build();
    }

    @ServerExceptionMapper
    public Response invalid(InvalidEventException e) {
        return respond(Problem.invalid(e.violations()));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String field = "$";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        String msg = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage().lines().findFirst().orElse("");
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        return respond(Problem.invalid(List.of(new Violation(field, "malformed or wrong type: " + msg))));
    }

    /** More specific than Quarkus' built-in mapper for this type, which answers 400 with an empty body. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response parse(com.fasterxml.jackson.core.JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return respond(Problem.of(status, "Server error", "the request could not be served"));
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        return respond(Problem.of(status, title, e.getMessage() == null ? title : e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        LOG.error("unexpected error while serving a request", e);
        return respond(Problem.of(500, "Server error", "the request could not be served; see the service log"));
    }

    static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
