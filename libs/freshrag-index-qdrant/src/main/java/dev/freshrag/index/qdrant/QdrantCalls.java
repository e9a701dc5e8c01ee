package dev.freshrag.index.qdrant;

import com.google.common.util.concurrent.ListenableFuture;
import dev.freshrag.index.IndexUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the client's futures and turns gRPC failures into the port's exceptions, so callers can tell "retry
 * later" from "this request is wrong":
 *
 * <ul>
 *   <li>{@link IndexUnavailableException}: Qdrant is unreachable, overloaded or too slow. The embed-service backs
 *       off and pauses consumption; the query-service answers 503. Retrying the same call can succeed.</li>
 *   <li>{@link IllegalArgumentException}: Qdrant rejected the request ({@code INVALID_ARGUMENT}); retrying the same
 *       input fails again.</li>
 *   <li>{@link IllegalStateException}: anything else, e.g. a wrong API key or a collection deleted behind our back;
 *       an operator has to act.</li>
 * </ul>
 */
final class QdrantCalls {

    /**
     * Codes that say nothing about the request itself. {@code RESOURCE_EXHAUSTED} is Qdrant's rate limiting (unless it
     * says a message is too large: {@link #isMessageTooLarge}) and {@code ABORTED} a lost consensus race; both pass on
     * retry.
     */
    private static final Set<Status.Code> TRANSIENT = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED);

    /**
     * Extra time granted to a future beyond the gRPC deadline: the deadline fails the call on its own, this only
     * guards against a future that never completes (it should not happen, but a stuck thread is worse than an
     * error).
     */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final String target;
    private final Duration timeout;

    /** @param target where the calls go, for messages (host:port or "in-process") */
    QdrantCalls(String target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** The result of {@code future}, or the mapped failure of {@code operation}. */
    <T> T await(String operation, ListenableFuture<T> future) {
        try {
            return future.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IndexUnavailableException(operation + " on Qdrant at " + target + " was interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IndexUnavailableException(operation + " on Qdrant at " + target + " did not complete within "
                    + timeout.plus(GRACE), e);
        } catch (ExecutionException e) {
            throw translate(operation, e.getCause() != null ? e.getCause() : e);
        }
    }

    RuntimeException translate(String operation, Throwable failure) {
        Status status = statusOf(failure);
        if (status == null) {
            if (failure instanceof RuntimeException runtime) {
                return runtime;
            }
            return new IllegalStateException(operation + " on Qdrant at " + target + " failed: " + failure, failure);
        }
        String what = operation + " on Qdrant at " + target + " failed with " + status.getCode()
                + (status.getDescription() != null ? ": " + status.getDescription() : "");
        if (isMessageTooLarge(status)) {
            return new dev.freshrag.index.IndexRequestTooLargeException(what, failure);
        }
        if (TRANSIENT.contains(status.getCode())) {
            return new IndexUnavailableException(what, failure);
        }
        if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
            return new IllegalArgumentException(what, failure);
        }
        return new IllegalStateException(what, failure);
    }

    /**
     * gRPC answers {@code RESOURCE_EXHAUSTED} both for a message over a size limit (the client's inbound limit, or the
     * server's request limit) and for Qdrant's rate limiting. Only the second passes on retry; the first fails the same
     * way forever, so it is told apart by gRPC's own wording and never retried.
     */
    static boolean isMessageTooLarge(Status status) {
        if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED && status.getCode() != Status.Code.OUT_OF_RANGE) {
            return false;
        }
        String d = status.getDescription() == null ? "" : status.getDescription().toLowerCase(java.util.Locale.ROOT);
        return d.contains("message") && (d.contains("exceeds maximum") || d.contains("too large") || d.contains("larger than"));
    }

    /** The gRPC status anywhere in the cause chain (the client wraps it differently depending on the call). */
    static Status statusOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException sre) {
                return sre.getStatus();
            }
            if (t instanceof io.grpc.StatusException se) {
                return se.getStatus();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
