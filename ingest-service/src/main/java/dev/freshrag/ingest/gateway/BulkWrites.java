package dev.freshrag.ingest.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.events.WriteToken;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Bulk writes: a corpus load, a folder sync, a re-index. Each NDJSON line is checked like a PUT or DELETE and, if
 * good, published to kb.doc-changes marked {@code freshrag-priority: bulk}, so it is embedded only with capacity that
 * live edits leave. A bad line is answered with its problem and does not reject the others. The request is bounded:
 * by {@code quarkus.http.limits.max-body-size} (16 MiB, 413) and by {@value #MAX_LINES} lines (413). Served by
 * {@link DocumentResource} (one resource class per path prefix: the JAX-RS matcher does not look past the first).
 */
@ApplicationScoped
public class BulkWrites {

    /** Lines per request; more is a 413: split the load into several requests. */
    static final int MAX_LINES = 10_000;
    static final String NDJSON = "application/x-ndjson";
    private static final long PUBLISH_TIMEOUT_SECONDS = 30;

    private final DocumentChangePublisher publisher;
    private final WriteAdmission admission;
    private final ObjectMapper json;

    public BulkWrites(DocumentChangePublisher publisher, WriteAdmission admission, ObjectMapper json) {
        this.publisher = publisher;
        this.admission = admission;
        this.json = json;
    }

    /** Parses, chunks (for the limits) and waits for the broker: call it on a worker thread. */
    public Response bulk(String tenant, String body) {
        List<String> lines = body == null ? List.of() : body.lines().toList();
        long nonEmpty = lines.stream().filter(l -> !l.isBlank()).count();
        if (nonEmpty == 0) {
            throw new InvalidEventException("$", "the body holds no document: one JSON object per line (NDJSON) is expected");
        }
        if (nonEmpty > MAX_LINES) {
            throw new ProblemException(new Problem("https://freshrag.dev/problems/bulk-too-large", "Bulk request too large",
                    413, "the body holds " + nonEmpty + " lines, above the limit of " + MAX_LINES
                    + " per request; split it into several requests", List.of()));
        }
        List<BulkAccepted.LineResult> results = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int number = i + 1;
            DocumentChange event;
            try {
                event = admit(tenant, line);
            } catch (ProblemException e) {
                results.add(rejected(number, line, e.problem()));
                continue;
            } catch (InvalidEventException e) {
                results.add(rejected(number, line, Problem.invalid(e.violations())));
                continue;
            }
            pending.add(new Pending(number, event, publisher.publish(event, Priority.BULK).toCompletableFuture()));
        }
        TreeMap<Integer, Long> highest = new TreeMap<>();
        for (Pending p : pending) {
            try {
                WriteToken t = p.published().get(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                highest.merge(t.partition(), t.offset(), Math::max);
                results.add(new BulkAccepted.LineResult(p.line(), p.event().docId(), opName(p.event().op()),
                        p.event().version(), 202, null));
            } catch (TimeoutException e) {
                results.add(unstored(p, "Kafka did not acknowledge the write in time"));
            } catch (ExecutionException e) {
                results.add(unstored(p, "the write could not be stored: " + e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.add(unstored(p, "interrupted while waiting for Kafka"));
            }
        }
        results.sort((a, b) -> Integer.compare(a.line(), b.line()));
        int accepted = (int) results.stream().filter(r -> r.status() == 202).count();
        String token = highest.isEmpty() ? null : new BulkWriteToken(tenant, highest).toString();
        return Response.accepted(new BulkAccepted(tenant, accepted, results.size() - accepted, token, results)).build();
    }

    /** The line as an event, checked as PUT and DELETE check theirs. */
    private DocumentChange admit(String tenant, String line) {
        BulkLine l;
        try {
            l = json.readValue(line, BulkLine.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            throw new InvalidEventException(field.isEmpty() ? "$" : field, "could not be read: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "is not valid JSON: " + e.getOriginalMessage());
        }
        if (l == null) {
            throw new InvalidEventException("$", "a JSON object is required");
        }
        Op op;
        String name = l.op() == null ? "upsert" : l.op().toLowerCase(Locale.ROOT);
        switch (name) {
            case "upsert" -> op = Op.UPSERT;
            case "delete" -> op = Op.DELETE;
            default -> throw new InvalidEventException("op", "must be upsert or delete, was '" + l.op() + "'");
        }
        if (l.docId() == null) {
            throw new InvalidEventException("docId", "is required");
        }
        DocumentChange event = op == Op.UPSERT
                ? new DocumentChange(tenant, l.docId(), l.version(), Op.UPSERT, l.title(), l.contentType(), l.content(),
                        l.metadata(), l.sourceTimestamp())
                : new DocumentChange(tenant, l.docId(), l.version(), Op.DELETE, null, null, null, null, null);
        admission.validate(event);
        if (op == Op.UPSERT) {
            admission.requireWithinLimits(event);
        }
        return event;
    }

    private BulkAccepted.LineResult rejected(int line, String text, Problem problem) {
        Problem named = new Problem(problem.type(), problem.title(), problem.status(), "line " + line + ": " + problem.detail(),
                problem.violations());
        return new BulkAccepted.LineResult(line, docIdOf(text), null, null, problem.status(), named);
    }

    private static BulkAccepted.LineResult unstored(Pending p, String detail) {
        return new BulkAccepted.LineResult(p.line(), p.event().docId(), opName(p.event().op()), p.event().version(), 503,
                Problem.of(503, "Service Unavailable", "line " + p.line() + ": " + detail));
    }

    /** The line's docId when it can be read, to help the client match results; null otherwise. */
    private String docIdOf(String line) {
        try {
            Map<?, ?> m = json.readValue(line, Map.class);
            return m != null && m.get("docId") instanceof String s ? s : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static String opName(Op op) {
        return op == Op.DELETE ? "delete" : "upsert";
    }

    private record Pending(int line, DocumentChange event, CompletableFuture<WriteToken> published) {
    }
}
