package dev.freshrag.embed.metrics;

import dev.freshrag.embedding.Embedder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import dev.freshrag.index.Lane;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** The embed-service's meters; Prometheus names end in {@code _total} and {@code _seconds}. */
@ApplicationScoped
public class EmbedMetrics {

    private final Counter embedded;
    private final Counter reused;
    private final Counter deleted;
    private final Counter dlq;
    private final Counter retries;
    private final Counter payloadMissing;
    private final Counter modelRetries;
    private final Counter restored;
    private final Timer freshness;
    private final DistributionSummary batchSize;
    private final Map<Lane, Counter> laneApplied = new EnumMap<>(Lane.class);
    private final Map<Lane, Counter> laneSuperseded = new EnumMap<>(Lane.class);
    private final Map<Lane, Counter> laneWrites = new EnumMap<>(Lane.class);
    private final Map<Lane, AtomicLong> lanePending = new EnumMap<>(Lane.class);
    private final MeterRegistry registry;
    /** The model runs counted, by model id (a generation's model, possibly loaded twice). */
    private final Map<String, ModelRunSum> models = new java.util.concurrent.ConcurrentHashMap<>();

    public EmbedMetrics(MeterRegistry registry) {
        this.registry = registry;
        embedded = Counter.builder("freshrag.chunks.embedded").description("Chunks run through the embedding model").register(registry);
        reused = Counter.builder("freshrag.chunks.reused").description("Chunks whose vector was reused (embedding cache hits)")
                .tag("stage", "embed").register(registry);
        deleted = Counter.builder("freshrag.chunks.deleted").description("Chunks deleted from the index").register(registry);
        dlq = Counter.builder("freshrag.dlq").description("Records sent to the dead-letter topic").tag("stage", "embed").register(registry);
        retries = Counter.builder("freshrag.index.retries").description("Index write attempts that failed and were retried").register(registry);
        payloadMissing = Counter.builder("freshrag.index.payload.missing").description("Payload updates for chunks the index did not hold").register(registry);
        modelRetries = Counter.builder("freshrag.embedding.retries").description("Embedding attempts that failed (model fault) and were retried")
                .register(registry);
        restored = Counter.builder("freshrag.chunks.restored")
                .description("Chunks a relabel found missing from the index, embedded again from the relabel's text").register(registry);
        freshness = Timer.builder("freshrag.freshness")
                .description("From the change event's Kafka timestamp to its index write being durable")
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5))
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        batchSize = DistributionSummary.builder("freshrag.embed.batch.chunks").description("Chunks embedded per batch").register(registry);
        for (Lane lane : Lane.OF_WORK) {
            String tag = lane.name().toLowerCase(java.util.Locale.ROOT);
            laneApplied.put(lane, Counter.builder("freshrag.lane.applied")
                    .description("kb.chunk-ops records of a lane applied and durable (superseded ones included)")
                    .tag("lane", tag).register(registry));
            laneSuperseded.put(lane, Counter.builder("freshrag.lane.superseded")
                    .description("records of a lane skipped because the index already held a newer change of the document")
                    .tag("lane", tag).register(registry));
            laneWrites.put(lane, Counter.builder("freshrag.lane.writes")
                    .description("index writes of a lane, each one commit: the slices of a backlog share one"
                            + " (freshrag.batching.backlog-commit-interval)")
                    .tag("lane", tag).register(registry));
            AtomicLong pending = new AtomicLong();
            lanePending.put(lane, pending);
            Gauge.builder("freshrag.lane.pending.records", pending, AtomicLong::get)
                    .description("records of a lane this instance has received and not yet made durable")
                    .tag("lane", tag).register(registry);
        }
    }

    /**
     * Counts the model runs of {@code embedder} from now on, under its model id: CPU seconds inside the model, real and
     * padded tokens, runs. With the process CPU these tell how much of the service's CPU per chunk is the model's (and
     * how much of that is padding), which {@code ./freshrag bench pipeline} prints. An embedder whose model runs
     * elsewhere (an embedding server) has none to count.
     */
    public void modelLoaded(Embedder embedder) {
        if (embedder.runTotals().isEmpty()) {
            return;
        }
        String model = embedder.model().id();
        ModelRunSum loaded = models.computeIfAbsent(model, m -> {
            ModelRunSum sum = new ModelRunSum();
            // one meter per model over every embedder of it ever loaded: a closed one's runs stay in the sum, so the
            // counters only grow, as a counter must
            FunctionCounter.builder("freshrag.embedding.model.cpu", sum, v -> v.totals().cpuNanos() / 1e9)
                    .description("CPU time of the threads inside the embedding model's runs").baseUnit("seconds")
                    .tag("model", m).register(registry);
            FunctionCounter.builder("freshrag.embedding.tokens", sum, v -> v.totals().tokens())
                    .description("Tokens of the texts the embedding model ran").tag("model", m).tag("kind", "text")
                    .register(registry);
            FunctionCounter.builder("freshrag.embedding.tokens", sum, v -> v.totals().paddedTokens() - v.totals().tokens())
                    .description("Padding positions the embedding model computed besides the texts' tokens (a run is "
                            + "padded to its longest text)").tag("model", m).tag("kind", "padding").register(registry);
            FunctionCounter.builder("freshrag.embedding.runs", sum, v -> v.totals().runs())
                    .description("Runs of the embedding model (micro-batches)").tag("model", m).register(registry);
            return sum;
        });
        loaded.add(embedder);
    }

    /**
     * {@code embedder} is about to be closed (a generation dropped or switched away from): its runs stay counted, the
     * embedder is no longer held.
     */
    public void modelClosed(Embedder embedder) {
        ModelRunSum sum = models.get(embedder.model().id());
        if (sum != null) {
            sum.retire(embedder);
        }
    }

    /** Embedders of {@code modelId} whose runs are read live (the open ones). */
    int openEmbedders(String modelId) {
        ModelRunSum sum = models.get(modelId);
        return sum == null ? 0 : sum.openEmbedders();
    }

    public void laneReceived(Lane lane, int records) {
        lanePending.get(lane).addAndGet(records);
    }

    public void laneApplied(Lane lane, int records, int superseded) {
        if (records > 0) {
            laneWrites.get(lane).increment();
        }
        lanePending.get(lane).addAndGet(-records);
        laneApplied.get(lane).increment(records);
        if (superseded > 0) {
            laneSuperseded.get(lane).increment(superseded);
        }
    }

    /** Records received that will not be applied by this instance (a shutdown, a failed batch): no longer pending. */
    public void laneAbandoned(Lane lane, int records) {
        lanePending.get(lane).addAndGet(-records);
    }

    public void embedded(int n) {
        embedded.increment(n);
        batchSize.record(n);
    }

    public void reused(int n) {
        reused.increment(n);
    }

    public void deleted(int n) {
        deleted.increment(n);
    }

    public void deadLettered() {
        dlq.increment();
    }

    public void retried() {
        retries.increment();
    }

    public void modelRetried() {
        modelRetries.increment();
    }

    public void restored(int n) {
        restored.increment(n);
    }

    public void payloadMissing(int n) {
        payloadMissing.increment(n);
    }

    public void fresh(long eventTimestampMs, long durableAtMs) {
        freshness.record(Duration.ofMillis(Math.max(0, durableAtMs - eventTimestampMs)));
    }
}
