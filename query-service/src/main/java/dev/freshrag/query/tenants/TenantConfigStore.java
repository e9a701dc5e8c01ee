package dev.freshrag.query.tenants;

import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * This replica's view of the compacted tenant-configuration topic. A background thread reads every partition
 * from the beginning with {@code assign()} (no consumer group, nothing committed: every replica reads all)
 * and then follows new records. {@link #isCaughtUp()} turns true once it has read up to the end offsets
 * taken when it started, and stays true. Writes go through {@link #write}; {@link #awaitApplied} lets a
 * writer wait until its own record is in the view.
 */
public final class TenantConfigStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TenantConfigStore.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** A configuration with where it was read: partition and offset (the revision). */
    public record Stored(TenantConfig config, int partition, long offset) {
    }

    /** Where a write landed. */
    public record Written(int partition, long offset) {
    }

    private final String topic;
    private final Map<String, Object> clientConfig;
    private final TenantConfigValidator validator;
    private final Consumer<TenantConfigChanged> listener;

    private final Map<String, Stored> view = new ConcurrentHashMap<>();
    /** Partition to the next offset this view will read: every record below it is applied. */
    private final Map<Integer, Long> applied = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final Thread poller;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile String state = "starting";
    private volatile KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param clientConfig Kafka client settings ({@code bootstrap.servers}, security); group, offset and
     *                     serializer settings in it are ignored
     * @param listener     called on the consumer thread for every applied record; must not block
     */
    public TenantConfigStore(String topic, Map<String, Object> clientConfig, TenantConfigValidator validator,
                             Consumer<TenantConfigChanged> listener) {
        this.topic = topic;
        this.clientConfig = sanitize(clientConfig);
        this.validator = validator;
        this.listener = listener;
        this.poller = new Thread(this::run, "freshrag-tenant-config[" + topic + "]");
        this.poller.setDaemon(true);
    }

    private static Map<String, Object> sanitize(Map<String, Object> in) {
        Map<String, Object> c = new HashMap<>(in);
        for (String k : List.of("group.id", "group.instance.id", "enable.auto.commit", "auto.offset.reset",
                "key.deserializer", "value.deserializer", "key.serializer", "value.serializer", "transactional.id",
                "isolation.level", "client.id")) {
            c.remove(k);
        }
        return c;
    }

    public TenantConfigStore start() {
        poller.start();
        return this;
    }

    public String topic() {
        return topic;
    }

    /** The tenant's configuration as this replica knows it. */
    public Optional<Stored> get(String tenant) {
        return Optional.ofNullable(view.get(tenant));
    }

    /** True once everything that was on the topic at start has been read. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    /** What the reader is doing, for health checks. */
    public String state() {
        return state;
    }

    public int size() {
        return view.size();
    }

    // ------------------------------------------------------------------ reading

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "freshrag-query-tenant-config");
        // a long poll: the broker answers as soon as a change is readable, so a shorter wait only makes an idle
        // replica ask more often (100 ms was ten fetches a second per replica, for nothing)
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        return c;
    }

    private void run() {
        Map<TopicPartition, Long> startEnd = null;
        try {
            while (running) {
                try {
                    if (consumer == null) {
                        consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
                    }
                    KafkaConsumer<String, byte[]> c = consumer;
                    if (c.assignment().isEmpty()) {
                        List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
                        if (infos == null || infos.isEmpty()) {
                            state = "topic " + topic + " does not exist (yet)";
                            pause(1000);
                            continue;
                        }
                        List<TopicPartition> parts = new ArrayList<>();
                        infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
                        c.assign(parts);
                        c.seekToBeginning(parts);
                        startEnd = c.endOffsets(parts, METADATA_TIMEOUT);
                        state = "catching up to " + startEnd.values();
                        LOG.infof("reading %s (%d partitions) from the beginning, up to %s before ready", topic, parts.size(), startEnd);
                    }
                    ConsumerRecords<String, byte[]> records = c.poll(POLL);
                    for (ConsumerRecord<String, byte[]> r : records) {
                        apply(r);
                    }
                    for (TopicPartition tp : c.assignment()) {
                        applied.put(tp.partition(), c.position(tp, METADATA_TIMEOUT));
                    }
                    if (!caughtUp && reached(startEnd)) {
                        caughtUp = true;
                        state = "caught up";
                        LOG.infof("tenant configuration caught up: %d tenants from %s", view.size(), topic);
                    }
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                } catch (WakeupException | InterruptException e) {
                    if (!running) {
                        break;
                    }
                } catch (KafkaException e) {
                    state = "error: " + e;
                    LOG.warnf("reading %s failed, retrying: %s", topic, e.toString());
                    pause(1000);
                }
            }
        } finally {
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                try {
                    c.close(Duration.ofSeconds(2));
                } catch (RuntimeException e) {
                    LOG.debug("closing the tenant-config consumer failed", e);
                }
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        if (end == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (applied.getOrDefault(e.getKey().partition(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String tenant = r.key();
        if (tenant == null) {
            LOG.warnf("%s-%d@%d has no key; skipped", r.topic(), r.partition(), r.offset());
            return;
        }
        if (r.value() == null) {
            if (view.remove(tenant) != null) {
                LOG.infof("tenant %s: configuration deleted", tenant);
            }
            notifyListener(new TenantConfigChanged(tenant, null, r.offset()));
            return;
        }
        TenantConfig config;
        try {
            config = TenantConfigJson.readStored(r.value());
            List<Violation> v = validator.validate(tenant, new TenantConfigBody(config.adapter(), config.promptTemplate(), config.topK()));
            if (config.tenant() != null && !config.tenant().equals(tenant)) {
                v.add(new Violation("tenant", "is '" + config.tenant() + "' but the record key is '" + tenant + "'"));
            }
            if (!v.isEmpty()) {
                throw new InvalidEventException(v);
            }
        } catch (InvalidEventException e) {
            // keep what was there: a bad record must not wipe a good configuration
            LOG.warnf("%s-%d@%d for tenant %s is not a valid tenant configuration; skipped: %s", r.topic(), r.partition(),
                    r.offset(), tenant, e.getMessage());
            return;
        }
        TenantConfig normalized = new TenantConfig(tenant, config.adapter(), config.promptTemplate(), config.topK(), config.updatedAt());
        view.put(tenant, new Stored(normalized, r.partition(), r.offset()));
        LOG.debugf("tenant %s: configuration at offset %d", tenant, r.offset());
        notifyListener(new TenantConfigChanged(tenant, normalized, r.offset()));
    }

    private void notifyListener(TenantConfigChanged change) {
        try {
            listener.accept(change);
        } catch (RuntimeException e) {
            LOG.warnf(e, "a tenant-config listener failed for tenant %s", change.tenant());
        }
    }

    /** Waits until this view has read the record at {@code offset} of {@code partition}; false if the wait ran out. */
    public boolean awaitApplied(int partition, long offset, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (progress) {
            while (applied.getOrDefault(partition, 0L) <= offset) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    // ------------------------------------------------------------------ writing

    private synchronized KafkaProducer<String, byte[]> producer(Duration timeout) {
        if (producer == null) {
            Map<String, Object> c = new HashMap<>(clientConfig);
            int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1000, timeout.toMillis()));
            c.put(ProducerConfig.ACKS_CONFIG, "all");
            c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
            c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms);
            c.put(ProducerConfig.CLIENT_ID_CONFIG, "freshrag-query-tenant-config-writer");
            producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * Writes a configuration (or, with null, a tombstone) and returns once the broker acknowledged it.
     *
     * @throws TimeoutException   no acknowledgement within {@code timeout}
     * @throws ExecutionException the broker refused the write
     */
    public Written write(String tenant, TenantConfig config, Duration timeout) throws TimeoutException, ExecutionException {
        byte[] value = config == null ? null : TenantConfigJson.write(config);
        try {
            RecordMetadata m = producer(timeout).send(new ProducerRecord<>(topic, tenant, value))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return new Written(m.partition(), m.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (KafkaException e) {
            throw new ExecutionException(e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(2));
                producer = null;
            }
        }
    }
}
