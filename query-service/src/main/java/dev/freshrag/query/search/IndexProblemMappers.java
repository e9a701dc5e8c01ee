package dev.freshrag.query.search;

import dev.freshrag.http.Problem;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexUnavailableException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Index failures as problem details. They live here, not in freshrag-http, because only the query-service
 * answers HTTP requests from the index, and the HTTP library must not know the index port.
 */
public class IndexProblemMappers {

    private static final Logger LOG = Logger.getLogger(IndexProblemMappers.class);

    /** The vector store is down or timing out: the client should retry, nothing is wrong with its request. */
    @ServerExceptionMapper
    public Response indexUnavailable(IndexUnavailableException e) {
        LOG.warnf("vector index unavailable: %s", e.getMessage());
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", "5")
                .entity(Problem.of(503, "Service Unavailable", "the vector index is unavailable; retry shortly")).build();
    }

    /** An index of another model: an operator error, reported as such. */
    @ServerExceptionMapper
    public Response indexMismatch(IndexMismatchException e) {
        LOG.error(e.getMessage());
        return Response.status(503).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(503, "Service Unavailable", "the vector index was built with another embedding model"))
                .build();
    }
}
