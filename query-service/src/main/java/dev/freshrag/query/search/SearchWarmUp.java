package dev.freshrag.query.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Runs one search through the service's own search path at start, on a tenant that holds nothing: the request body
 * read as JSON, validation, the query embedded, both branches, fusion and the response written as JSON. Traced right
 * after {@code ./freshrag down; ./freshrag up}, the first search of a fresh query-service spent about half a second
 * before it even started to wait for its read-your-writes token (classes loaded, code run cold), a quarter of the
 * 2 s in which a write made right after a restart must be searchable. Nothing is written; a failure only costs that
 * half second on the first real search, so it is logged and start goes on.
 */
@ApplicationScoped
class SearchWarmUp {

    private static final Logger LOG = Logger.getLogger(SearchWarmUp.class);

    /** A valid tenant id; the search only reads, so a tenant of that name would merely be searched once. */
    static final String TENANT = "freshrag-warm-up";

    /** What the warm-up at start did: {@code null} before it ran, else "searched" or why it was skipped. */
    private volatile String outcome;

    String outcome() {
        return outcome;
    }

    void warmUp(@Observes StartupEvent ignored, Retriever retriever, ObjectMapper json) {
        long start = System.nanoTime();
        try {
            SearchRequest request = json.readValue("{\"query\":\"warm up the search path\",\"topK\":5,\"mode\":\"hybrid\","
                    + "\"maxPerDocument\":2,\"filter\":{},\"consistentWith\":[],\"requireConsistent\":false}", SearchRequest.class);
            SearchResponse response = new SearchResource(retriever).search(TENANT, request);
            json.writeValueAsString(response);
            outcome = "searched";
            LOG.debugf("search path warmed up in %d ms (%d hits)", (System.nanoTime() - start) / 1_000_000,
                    response.hits().size());
        } catch (Exception e) {
            outcome = "skipped: " + e;
            LOG.infof("search warm-up skipped: %s", e.toString());
        }
    }
}
