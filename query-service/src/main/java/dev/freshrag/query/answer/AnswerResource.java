package dev.freshrag.query.answer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.InvalidEventException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * RAG answers with citations. {@code "stream": true} answers {@code text/event-stream}: {@code token} events
 * ({@code {"text": "..."}}) as the answer is generated, then one {@code done} event with the whole answer
 * object (citations included), or an {@code error} event (a problem detail) if the LLM's stream breaks after
 * it started. Anything that fails earlier is an ordinary problem+json answer.
 */
@Path("/v1/tenants/{tenant}/answer")
@Tag(name = "answer")
public class AnswerResource {

    private static final Logger LOG = Logger.getLogger(AnswerResource.class);
    public static final String EVENT_STREAM = "text/event-stream";

    private final AnswerService service;
    private final ObjectMapper json;

    public AnswerResource(AnswerService service, ObjectMapper json) {
        this.service = service;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, EVENT_STREAM})
    @Operation(summary = "Answer a question from the tenant's documents, citing the passages used")
    public Response answer(@PathParam("tenant") String tenant, AnswerRequest request) throws IOException {
        if (request == null) {
            throw new InvalidEventException("$", "a JSON body is required");
        }
        boolean stream = Boolean.TRUE.equals(request.stream());
        Generation generation = service.start(tenant, request, stream);
        if (!stream) {
            try (generation) {
                return Response.ok(generation.run(TokenSink.NONE), MediaType.APPLICATION_JSON).build();
            }
        }
        StreamingOutput body = out -> {
            SseWriter sse = new SseWriter(out, json);
            try (generation) {
                AnswerResponse done = generation.run(text -> sse.event("token", Map.of("text", text)));
                sse.event("done", done);
            } catch (Generation.BrokenStream e) {
                sse.event("error", e.problem());
            } catch (IOException e) {
                LOG.debugf("answer stream for tenant %s ended early: %s", tenant, e.toString());
                throw e;
            }
        };
        return Response.ok(body, EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }
}
