package dev.freshrag.query.drift;

import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.query.config.QueryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the {@link DriftMonitor} every {@code freshrag.drift.interval} on one daemon thread (a check blocks on Kafka and
 * the index; never on a request thread), the first one interval after start. A failed check (broker or index down) is
 * logged and the next one tries again; the gauges keep their last values meanwhile.
 */
@ApplicationScoped
public class DriftSchedule {

    private static final Logger LOG = Logger.getLogger(DriftSchedule.class);

    private final DriftConfig config;
    private final DriftMonitor monitor;
    private ScheduledExecutorService executor;

    public DriftSchedule(DriftConfig config, QueryConfig query, VectorIndexReader index, MeterRegistry meters,
                         @Identifier("default-kafka-broker") Map<String, Object> kafka,
                         @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        Map<String, Object> client = new HashMap<>(kafka);
        client.put("bootstrap.servers", bootstrapServers);
        this.monitor = new DriftMonitor(new DocLogWindow(client, query.topics().docLog()), index, config, meters, Clock.systemUTC());
    }

    void start(@Observes StartupEvent ignored) {
        long every = config.interval().toMillis();
        if (every <= 0) {
            LOG.info("drift check off (freshrag.drift.interval=0)");
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freshrag-drift");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::runOnce, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** One check now (also what the schedule runs); the monitor, for its gauges. */
    public DriftMonitor monitor() {
        return monitor;
    }

    private void runOnce() {
        try {
            monitor.check();
        } catch (RuntimeException e) {
            LOG.warnf("drift check failed, the next one runs in %s: %s", config.interval(), e.toString());
        }
    }
}
