package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

/**
 * The query-service's periodic drift check on the real services: a tenant whose documents are indexed exports
 * {@code freshrag_index_drift{tenant} 0}; a document accepted while the embed-service is down (so it never reaches
 * the index meanwhile) makes it 1 once the grace period has passed; once the embed-service is back and applies it, 0
 * again. The query-service runs the check every 2 s here (default 5 min), and gets its defaults back at the end.
 */
class DriftGaugeIT {

    private static final Duration CONVERGE = Duration.ofMinutes(3);
    private static final Map<String, String> FAST = Map.of("FRESHRAG_DRIFT_INTERVAL", "PT2S", "FRESHRAG_DRIFT_GRACE", "PT5S",
            "FRESHRAG_DRIFT_WINDOW", "PT10M");
    private static final Map<String, String> DEFAULTS = Map.of("FRESHRAG_DRIFT_INTERVAL", "PT5M", "FRESHRAG_DRIFT_GRACE", "PT2M",
            "FRESHRAG_DRIFT_WINDOW", "PT15M");

    private final PipelineStack stack = PipelineStack.shared();
    private final String tenant = "drift-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aDocumentTheIndexLacksMakesTheGaugeNonZeroUntilItIsApplied() throws Exception {
        stack.restartQueryWith(FAST);
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                put("doc-" + i + ".md", "Document " + i + " lists the opening hours of depot " + i + ".");
            }
            // the gauge shows 0 as soon as the tenant is seen; the documents count as checked only past their grace
            // period (the restarted query-service's counter starts at 0, and only this tenant writes meanwhile)
            awaitMetric("freshrag_drift_checked_documents_total", v -> v >= 3, "the three documents were compared");
            double healthy = awaitDrift(v -> v == 0, "the indexed documents match");
            double healthyAfter = seconds(t0);

            double[] whileDown = new double[2];
            stack.crashAndRestartEmbed(() -> {
                long d0 = System.nanoTime();
                put("late.md", "Written while the embed-service is down: not in the index until it is back.");
                whileDown[0] = awaitDrift(v -> v == 1, "the unapplied document counts once its grace period has passed");
                whileDown[1] = seconds(d0);
            });
            long r0 = System.nanoTime();
            double repaired = awaitDrift(v -> v == 0, "the embed-service applied the document after its restart");
            System.out.printf("drift gauge: %s drift %.0f %.1f s after its writes; a document written while the "
                    + "embed-service was down: drift %.0f after %.1f s; drift %.0f %.1f s after the embed-service restarted%n",
                    tenant, healthy, healthyAfter, whileDown[0], whileDown[1], repaired, seconds(r0));
        } finally {
            stack.restartQueryWith(DEFAULTS);
        }
    }

    private void put(String docId, String content) {
        PipelineStack.Answer a = stack.put(tenant, docId, Map.of("version", 1, "title", docId, "contentType", "text/plain",
                "content", content));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    /** Waits until the tenant's gauge is exported and satisfies {@code wanted}; returns its value. */
    private double awaitDrift(DoublePredicate wanted, String what) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        Double last = null;
        while (System.nanoTime() < deadline) {
            last = drift();
            if (last != null && wanted.test(last)) {
                return last;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(what + ": freshrag_index_drift{tenant=\"" + tenant + "\"} is " + last);
    }

    private void awaitMetric(String name, DoublePredicate wanted, String what) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        double last = stack.metric(stack.queryManagementUrl(), name);
        while (!wanted.test(last) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = stack.metric(stack.queryManagementUrl(), name);
        }
        assertThat(last).as(what + ": " + name).matches(wanted::test);
    }

    private Double drift() {
        String series = "freshrag_index_drift{tenant=\"" + tenant + "\"} ";
        String body = stack.send("GET", stack.queryManagementUrl() + "/q/metrics", null).body();
        return body.lines().filter(l -> l.startsWith(series)).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length()).trim())).orElse(null);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
