package dev.freshrag.embed.reindex;

import dev.freshrag.embed.pipeline.GenerationWriters;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Makes this embed-service replica write the generations kb.generations says, whichever replica served the reindex
 * endpoint (issue 16; on Qdrant, where 1-6 replicas share the index): a {@code BUILDING} record opens the building
 * generation's writer beside the active one; {@code ACTIVE} for the generation written beside it swaps the roles (a
 * switch, or a rollback); {@code ABORTED} or {@code DROPPED} closes it. Each step is idempotent against what this
 * replica writes already, so the replica that served the verb (it did the step itself) and a replica that started
 * after it (it opened the plan's generations at start) do nothing.
 *
 * <p>It reads the whole topic without a consumer group (every replica needs every record), acting only once it has
 * read to the end offsets of each round, on the newest record of every generation that changed: replaying the history
 * (g2 building, then aborted) would open a writer for a generation that is gone. Within a round it closes first,
 * then swaps, then opens. {@link #act} runs under the caller's lock (the reindex verbs' monitor), so a verb served
 * here and the follower never open or swap at the same time.
 */
public final class GenerationFollower implements AutoCloseable {

    /** A record as read, with its offset (a generation's records share a partition: the offset orders them). */
    public record Seen(GenerationControl record, long offset) {
    }

    private static final Logger LOG = Logger.getLogger(GenerationFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * How often a replica looks for new records: a step served by another replica reaches this one within about this
     * (plus a poll). Not configurable: a generation that leaves the plan is deleted only after {@link #DROP_GRACE}.
     */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /**
     * How long the replica that served abort or drop-previous waits between recording it and deleting the collection,
     * so that every other replica closed its writer first (else its next write would meet a missing collection).
     */
    static final Duration DROP_GRACE = INTERVAL.multipliedBy(3);

    private final String bootstrap;
    private final String topic;
    private final Duration interval;
    private final Consumer<List<Seen>> onChanged;
    private volatile boolean stopped;
    private Thread thread;

    /**
     * @param onChanged gets the newest record of every generation that changed in a round, in acting order
     */
    public GenerationFollower(String bootstrap, String topic, Duration interval, Consumer<List<Seen>> onChanged) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.interval = interval;
        this.onChanged = onChanged;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "generation-follower");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stopped) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (!stopped) {
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                    Map<String, Seen> changed = new LinkedHashMap<>();
                    while (!stopped && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                            // the ingest's words that it chunks for a generation share the topic; they are not
                            // generations (read as one, a word has no state and failed every round it was in)
                            if (r.key() != null && r.value() != null
                                    && !GenerationFollowed.isKey(new String(r.key(), StandardCharsets.UTF_8))) {
                                readable(r).ifPresent(c -> changed.put(c.generation(), new Seen(c, r.offset())));
                            }
                        }
                    }
                    if (!changed.isEmpty() && !stopped) {
                        onChanged.accept(inActingOrder(changed.values()));
                    }
                    sleep(interval);
                }
            } catch (RuntimeException e) {
                // a broker outage: the next round reads the topic again from its beginning (the steps are idempotent)
                LOG.warnf("following %s: %s; retrying in %s", topic, e.toString(), interval);
                sleep(interval);
            }
        }
    }

    /**
     * A generation's record, or empty (logged) for one this version cannot read: a record written by a newer version
     * must not stop this replica following every later one (a failed round is read again, and fails again).
     */
    private static java.util.Optional<GenerationControl> readable(ConsumerRecord<byte[], byte[]> r) {
        try {
            GenerationControl c = EventJson.read(r.value(), GenerationControl.class);
            if (c.generation() != null && c.state() != null) {
                return java.util.Optional.of(c);
            }
            LOG.warnf("kb.generations record at offset %d names no generation or state; left out", r.offset());
        } catch (dev.freshrag.events.InvalidEventException e) {
            LOG.warnf("kb.generations record at offset %d cannot be read, left out: %s", r.offset(), e.getMessage());
        }
        return java.util.Optional.empty();
    }

    /** Closes before swaps before opens: a drop-previous and the next start may come in one round. */
    static List<Seen> inActingOrder(java.util.Collection<Seen> records) {
        List<Seen> ordered = new ArrayList<>(records);
        ordered.sort(Comparator.comparingInt(seen -> switch (seen.record().state()) {
            case ABORTED, DROPPED -> 0;
            case ACTIVE, PREVIOUS -> 1;
            case BUILDING -> 2;
        }));
        return ordered;
    }

    /**
     * One record's step on this replica's writers: open, swap or close the generation written beside the active one.
     * Answers what it did (for the log and tests), or null when the writers were as the record says already.
     *
     * @param opener opens a writer of a generation (its collection, pinned, and its model)
     */
    public static String act(GenerationControl record, GenerationWriters writers, Function<Generation, GenerationWriters.Writer> opener) {
        String id = record.generation();
        boolean second = writers.secondId().filter(id::equals).isPresent();
        switch (record.state()) {
            case BUILDING -> {
                if (!second && !writers.activeId().equals(id) && writers.secondId().isEmpty()) {
                    writers.openSecond(opener.apply(generationOf(record, GenerationState.BUILDING)));
                    return "opened " + id;
                }
            }
            case ACTIVE -> {
                if (second) {
                    writers.swap(id);
                    return id + " written as the active one";
                }
            }
            case PREVIOUS -> {
                // its partner's ACTIVE record swaps the roles; a previous generation not open here stays closed
            }
            case ABORTED, DROPPED -> {
                if (second) {
                    writers.closeSecond(id);
                    return "closed " + id;
                }
            }
        }
        return null;
    }

    public static Generation generationOf(GenerationControl r, GenerationState state) {
        int chunking = r.chunkMaxTokens() != null ? r.chunkMaxTokens()
                : dev.freshrag.embedding.ShippedModel.ofModelId(r.modelId()).map(m -> m.model().maxLength()).orElse(256);
        Instant created;
        try {
            created = Instant.parse(r.startedAt());
        } catch (RuntimeException e) {
            created = Instant.EPOCH;
        }
        return new Generation(Integer.parseInt(r.generation().substring(1)), r.modelId(), r.dimension(), chunking, state, created);
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    @Override
    public void close() {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
