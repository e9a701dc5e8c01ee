package dev.freshrag.query.llm;

/** A failed call to the LLM server, classified so that callers can decide between retry, fallback and error. */
public class LlmException extends RuntimeException {

    public enum Kind {
        /** Connection refused or reset, DNS failure: the server is not reachable. */
        UNREACHABLE,
        /** No response (or no further streamed data) within the configured timeout. */
        TIMEOUT,
        /** HTTP 5xx. */
        SERVER_ERROR,
        /** HTTP 404 for a model or adapter the server does not know; for load_lora_adapter: no adapter at that path. */
        NOT_FOUND,
        /** Any other HTTP 4xx (bad request, authentication). */
        REJECTED,
        /** A 2xx answer that is not what the OpenAI API specifies. */
        BAD_RESPONSE
    }

    private final Kind kind;
    private final int status;

    public LlmException(Kind kind, int status, String message) {
        this(kind, status, message, null);
    }

    public LlmException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 when there was none. */
    public int status() {
        return status;
    }

    /** Whether this is the server's (or the network's) fault rather than the request's. */
    public boolean isUnavailable() {
        return kind == Kind.UNREACHABLE || kind == Kind.TIMEOUT || kind == Kind.SERVER_ERROR;
    }

    /** A short reason for answers and logs, e.g. {@code "timeout"} or {@code "HTTP 503"}. */
    public String reason() {
        return switch (kind) {
            case UNREACHABLE -> "unreachable";
            case TIMEOUT -> "timeout";
            case BAD_RESPONSE -> "bad response";
            default -> "HTTP " + status;
        };
    }
}
