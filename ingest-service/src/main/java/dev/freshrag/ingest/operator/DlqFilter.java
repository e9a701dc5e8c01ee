package dev.freshrag.ingest.operator;

import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;

/**
 * Which dead letters an operator call selects. Every field is optional; together they are ANDed.
 *
 * @param reason    a dead letter matches if its reason contains this text (reasons are sentences, not codes)
 * @param tenant    the tenant of the record key ({@code tenant/docId})
 * @param partition a kb.dlq partition; {@code from} and {@code to} are offsets in it (inclusive)
 * @param limit     at most this many records are returned or replayed
 */
public record DlqFilter(String reason, String tenant, Integer partition, Long from, Long to, int limit) {

    public static final int DEFAULT_LIMIT = 100;
    /** Bounds one call's memory and time; a larger backlog is worked through by offset range. */
    public static final int MAX_LIMIT = 10_000;

    /** Checks the combination: an offset range is only meaningful within one partition. */
    public static DlqFilter of(String reason, String tenant, Integer partition, Long from, Long to, Integer limit) {
        if ((from != null || to != null) && partition == null) {
            throw bad("from and to are offsets within one partition: give partition too");
        }
        if (partition != null && partition < 0 || from != null && from < 0 || to != null && to < 0) {
            throw bad("partition, from and to cannot be negative");
        }
        if (from != null && to != null && from > to) {
            throw bad("from must not be after to");
        }
        int l = limit == null ? DEFAULT_LIMIT : limit;
        if (l < 1 || l > MAX_LIMIT) {
            throw bad("limit must be between 1 and " + MAX_LIMIT);
        }
        return new DlqFilter(blankToNull(reason), blankToNull(tenant), partition, from, to, l);
    }

    boolean matches(DeadLetter d) {
        return (reason == null || d.reason() != null && d.reason().contains(reason))
                && (tenant == null || tenant.equals(d.tenant()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static ProblemException bad(String detail) {
        return new ProblemException(Problem.of(400, "Bad Request", detail));
    }
}
