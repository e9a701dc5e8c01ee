package dev.freshrag.ingest.operator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The other ingest-service instances' local-only operator endpoints ({@code ?scope=local}), called with the caller's
 * own {@code Authorization} header: an instance forwards what it was asked, it gains no rights of its own. A peer
 * that cannot answer makes the whole answer a 503 (never a partial list).
 */
@ApplicationScoped
public class PeerStates {

    /** Below the CLI's 120 s: a peer's listing iterates its store; a peer's repair scans up to two topics (50 s each). */
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REPAIR_TIMEOUT = Duration.ofSeconds(110);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json;

    public PeerStates(ObjectMapper json) {
        this.json = json;
    }

    /** The documents a peer holds (of {@code tenant}, every tenant when null). */
    public CompletableFuture<List<ExpectedDocument>> list(HostInfo peer, String tenant, String authorization) {
        String query = "?scope=local" + (tenant == null ? "" : "&tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
        HttpRequest.Builder request = request(peer, "/v1/operator/documents" + query, authorization, LIST_TIMEOUT).GET();
        return send(peer, request.build(), new TypeReference<List<ExpectedDocument>>() {
        });
    }

    /** Re-drives documents whose state the peer holds. */
    public CompletableFuture<RepairDriver.Result> repair(HostInfo peer, List<DocumentStateResource.DocumentRef> documents,
                                                         String authorization) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(documents);
        } catch (IOException e) {
            throw new IllegalStateException("document references always serialise", e);
        }
        HttpRequest.Builder request = request(peer, "/v1/operator/documents/repair?scope=local", authorization, REPAIR_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return send(peer, request.build(), new TypeReference<RepairDriver.Result>() {
        });
    }

    private static HttpRequest.Builder request(HostInfo peer, String pathAndQuery, String authorization, Duration timeout) {
        // an IPv6 pod IP is announced bare; in a URI it needs brackets
        String host = peer.host().contains(":") && !peer.host().startsWith("[") ? "[" + peer.host() + "]" : peer.host();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + peer.port() + pathAndQuery))
                .timeout(timeout).header("Accept", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private <T> CompletableFuture<T> send(HostInfo peer, HttpRequest request, TypeReference<T> type) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                throw unavailable(peer, "could not be reached (" + cause + ")");
            }
            if (response.statusCode() != 200) {
                String detail = new String(response.body(), StandardCharsets.UTF_8);
                throw unavailable(peer, "answered " + response.statusCode() + ": " + abbreviate(detail));
            }
            try {
                return json.readValue(response.body(), type);
            } catch (IOException e) {
                throw unavailable(peer, "answered what is not the expected JSON (" + e.getMessage() + ")");
            }
        });
    }

    /**
     * A peer's failure, as a 503 of this answer: a peer starting, rebalancing or briefly unreachable is a transient
     * state of the deployment, and the caller's retry is the remedy (a peer's 401/403 cannot happen for a key this
     * instance accepted, the keys being shared).
     */
    static ProblemException unavailable(HostInfo peer, String what) {
        return new ProblemException(Problem.of(503, "Service Unavailable", "the ingest-service instance at " + peer.host()
                + ":" + peer.port() + " " + what), Map.of("Retry-After", StateInstances.RETRY_AFTER_SECONDS));
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
