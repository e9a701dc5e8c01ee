package dev.freshrag.query.search;

import dev.freshrag.embedding.EmbedderUnavailableException;
import dev.freshrag.embedding.EmbeddingRejectedException;
import dev.freshrag.http.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Faults of a remote embedding server (freshrag.embedding.backend=tei|openai) while embedding a query, as problem
 * details: the server down or overloaded is a 503 to retry; the server refusing the query text itself (too long for
 * its model) is the client's 400. The server's address and message stay in the log.
 */
public class EmbedderProblemMappers {

    private static final Logger LOG = Logger.getLogger(EmbedderProblemMappers.class);

    @ServerExceptionMapper
    public Response embedderUnavailable(EmbedderUnavailableException e) {
        LOG.warnf("embedding server unavailable: %s", e.getMessage());
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", "5")
                .entity(Problem.of(503, "Service Unavailable", "the embedding server is unavailable; retry shortly"))
                .build();
    }

    @ServerExceptionMapper
    public Response queryRejected(EmbeddingRejectedException e) {
        LOG.infof("embedding server rejected a query: %s", e.getMessage());
        return Response.status(400).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(400, "Bad Request", "the embedding server rejected the query (HTTP " + e.status()
                        + "); a shorter query may pass"))
                .build();
    }
}
