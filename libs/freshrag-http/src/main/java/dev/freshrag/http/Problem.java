package dev.freshrag.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.freshrag.events.Violation;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every 4xx and 5xx answer ({@code application/problem+json}).
 * It names what was wrong and never carries a stack trace.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, List.of());
    }

    public static Problem invalid(List<Violation> violations) {
        String detail = violations.stream().map(Violation::toString).reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return new Problem("https://freshrag.dev/problems/invalid-request", "Invalid request", 400, detail, violations);
    }
}
