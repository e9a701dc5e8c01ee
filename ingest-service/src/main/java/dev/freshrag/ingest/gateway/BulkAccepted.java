package dev.freshrag.ingest.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.freshrag.http.Problem;
import java.util.List;

/**
 * Answer of {@code documents:bulk} (202): one result per non-empty line, and one read-your-writes token for every
 * accepted line ({@code b1.<tenant>.<p>.<o>...}: per partition the highest offset; null when no line was accepted).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BulkAccepted(String tenant, int accepted, int rejected, String token, List<LineResult> results) {

    /**
     * @param line    1-based line number in the request body
     * @param status  202 when the line's event is on kb.doc-changes, else the problem's status
     * @param problem what was wrong with the line (null when accepted)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LineResult(int line, String docId, String op, Long version, int status, Problem problem) {
    }
}
