package dev.freshrag.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.http.Problem;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexUnavailableException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class IndexProblemMappersTest {

    private final IndexProblemMappers mappers = new IndexProblemMappers();

    @Test
    void anUnavailableIndexIs503WithRetryAfterAndNoInternals() {
        Response r = mappers.indexUnavailable(new IndexUnavailableException("connection refused to qdrant:6334", null));

        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
        Problem p = (Problem) r.getEntity();
        assertThat(p.status()).isEqualTo(503);
        assertThat(p.title()).isEqualTo("Service Unavailable");
        assertThat(p.detail()).isEqualTo("the vector index is unavailable; retry shortly").doesNotContain("qdrant");
    }

    @Test
    void anIndexOfAnotherModelIs503WithoutRetryAfter() {
        Response r = mappers.indexMismatch(new IndexMismatchException("built with bge-small (384 dims)"));

        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(r.getHeaderString("Retry-After")).isNull();
        assertThat(((Problem) r.getEntity()).detail()).isEqualTo("the vector index was built with another embedding model");
    }
}
