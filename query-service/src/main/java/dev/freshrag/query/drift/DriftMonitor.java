package dev.freshrag.query.drift;

import dev.freshrag.index.VectorIndexReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One periodic check of the last minutes (issue 14): the newest accepted change of every document written in the
 * window (except the youngest, which may still be on their way) against the index's per-document lookup, the same
 * one {@code POST /v1/operator/index/documents} uses. Exports {@code freshrag_index_drift{tenant}} (documents that
 * differ, per tenant seen in the window; 0 once a tenant's documents match or leave the window),
 * {@code freshrag_drift_checked_documents_total} and {@code freshrag_drift_differences_total{tenant,kind}}, and logs
 * each differing document; {@code ./freshrag verify --tenant T --repair} fixes them.
 */
public final class DriftMonitor {

    private static final Logger LOG = Logger.getLogger(DriftMonitor.class);

    /** What one check found. */
    public record Result(int checked, int skippedAsYoung, Map<String, Integer> driftByTenant, List<DriftFinding> findings) {
    }

    private final DocLogWindow log;
    private final VectorIndexReader index;
    private final DriftConfig config;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, AtomicLong> drift = new ConcurrentHashMap<>();
    private final Counter checked;

    public DriftMonitor(DocLogWindow log, VectorIndexReader index, DriftConfig config, MeterRegistry meters, Clock clock) {
        this.log = log;
        this.index = index;
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.checked = Counter.builder("freshrag.drift.checked.documents")
                .description("Documents the periodic drift check compared with the index").register(meters);
    }

    /** Runs one check and updates the metrics. */
    public Result check() {
        long now = clock.millis();
        long youngerThan = now - config.grace().toMillis();
        List<LoggedChange> changes = log.newestSince(now - config.window().toMillis(), config.maxDocuments());
        Map<String, Integer> byTenant = new TreeMap<>();
        List<DriftFinding> findings = new ArrayList<>();
        int compared = 0;
        int young = 0;
        for (LoggedChange c : changes) {
            byTenant.putIfAbsent(c.tenant(), 0);
            if (c.writtenAt() > youngerThan) {
                young++;
                continue;
            }
            compared++;
            var finding = DriftComparison.compare(c, index.document(c.tenant(), c.docId()), now);
            if (finding.isPresent()) {
                DriftFinding f = finding.get();
                findings.add(f);
                byTenant.merge(f.tenant(), 1, Integer::sum);
                Counter.builder("freshrag.drift.differences").tag("tenant", f.tenant()).tag("kind", f.kind().label())
                        .description("Documents a drift check found differing from the index").register(meters).increment();
                LOG.warnf("index drift: %s %s/%s (accepted %s, indexed %s); ./freshrag verify --tenant %s --repair re-drives it",
                        f.kind().label(), f.tenant(), f.docId(), version(f.expectedVersion()), version(f.indexedVersion()),
                        f.tenant());
            }
        }
        checked.increment(compared);
        // tenants seen before but not in this window have nothing left to differ within it
        drift.forEach((tenant, gauge) -> gauge.set(byTenant.getOrDefault(tenant, 0)));
        byTenant.forEach((tenant, n) -> gauge(tenant).set(n));
        Result result = new Result(compared, young, byTenant, findings);
        LOG.infof("drift check: %d documents of %d tenants compared (%d too young), %d differ", compared, byTenant.size(),
                young, findings.size());
        return result;
    }

    /** The exported drift of a tenant, for tests; -1 when the tenant never appeared. */
    public long drift(String tenant) {
        AtomicLong g = drift.get(tenant);
        return g == null ? -1 : g.get();
    }

    private AtomicLong gauge(String tenant) {
        return drift.computeIfAbsent(tenant, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("freshrag.index.drift", value, AtomicLong::get).tag("tenant", t)
                    .description("Documents of the tenant changed in the last window that differ in the index").register(meters);
            return value;
        });
    }

    private static String version(Long v) {
        return v == null ? "-" : "v" + v;
    }
}
