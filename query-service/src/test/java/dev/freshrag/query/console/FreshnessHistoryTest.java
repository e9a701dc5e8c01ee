package dev.freshrag.query.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FreshnessHistoryTest {

    private static Map<Double, Double> buckets(double le05, double le1, double le2, double inf) {
        Map<Double, Double> b = new TreeMap<>();
        b.put(0.5, le05);
        b.put(1.0, le1);
        b.put(2.0, le2);
        b.put(Double.POSITIVE_INFINITY, inf);
        return b;
    }

    @Test
    void quantilesAreOverTheObservationsOfTheWindowOnly() {
        FreshnessHistory h = new FreshnessHistory(Duration.ofSeconds(60), Duration.ofMinutes(10));
        h.add(new FreshnessHistory.Sample(0, buckets(1000, 1000, 1000, 1000), 0)); // old, all fast
        h.add(new FreshnessHistory.Sample(61_000, buckets(1000, 1000, 1000, 1000), 0));
        // in the last minute: 98 changes within 1 s (50 of them within 0.5 s) and 2 slower than 1 s
        h.add(new FreshnessHistory.Sample(122_000, buckets(1050, 1098, 1100, 1100), 100));

        List<FreshnessHistory.Point> points = h.points();
        FreshnessHistory.Point last = points.get(points.size() - 1);
        assertThat(last.observations()).isEqualTo(100);
        assertThat(last.p50()).isEqualTo(0.5);
        assertThat(last.p99()).isEqualTo(2.0);
        assertThat(points.get(0).p50()).isNaN(); // nothing happened in the window before the second sample
    }

    @Test
    void aRestartedServiceStartsTheHistoryAgain() {
        FreshnessHistory h = new FreshnessHistory(Duration.ofSeconds(60), Duration.ofMinutes(10));
        h.add(new FreshnessHistory.Sample(0, buckets(10, 10, 10, 10), 0));
        h.add(new FreshnessHistory.Sample(1_000, buckets(1, 1, 1, 1), 0));
        assertThat(h.points()).isEmpty();
    }

    @Test
    void theChartDrawsBothLinesAndReportsTheLatestFigures() {
        FreshnessChart chart = FreshnessChart.of(List.of(
                new FreshnessHistory.Point(0, Double.NaN, Double.NaN, 0),
                new FreshnessHistory.Point(60_000, 0.5, 2.0, 10),
                new FreshnessHistory.Point(120_000, 0.25, 1.0, 12)), Duration.ofMinutes(2), 40);
        assertThat(chart.points()).isEqualTo(2);
        assertThat(chart.p99Path()).isEqualTo("M300.0 0.0 L600.0 80.0");
        assertThat(chart.latestP50()).isEqualTo("0.25 s");
        assertThat(chart.observations()).isEqualTo(12);
        assertThat(chart.total()).isEqualTo(40);
    }

    @Test
    void prometheusTextIsReadWithLabelsAndHistogramBuckets() {
        PrometheusText t = PrometheusText.parse("""
                # HELP freshrag_dlq_total x
                freshrag_dlq_total{stage="ingest",reason="a \\"quoted\\", comma"} 2.0
                freshrag_dlq_total{stage="embed"} 3.0
                freshrag_freshness_seconds_bucket{le="0.5"} 4.0
                freshrag_freshness_seconds_bucket{le="+Inf"} 6.0 # {trace_id="abc"} 0.7
                up 1
                """);
        assertThat(t.sum("freshrag_dlq_total")).isEqualTo(5.0);
        assertThat(t.sum("freshrag_dlq_total", l -> "ingest".equals(l.get("stage")))).isEqualTo(2.0);
        assertThat(t.buckets("freshrag_freshness_seconds")).containsEntry(0.5, 4.0).containsEntry(Double.POSITIVE_INFINITY, 6.0);
        assertThat(t.sum("up")).isEqualTo(1.0);
    }
}
