package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.index.qdrant.InProcessQdrantProtocolDouble;
import dev.freshrag.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * Several embed-service replicas on one Qdrant (the protocol double, which applies {@code update_filter} as Qdrant
 * does), consuming kb.chunk-ops in one consumer group while replicas join and leave in the middle of slow batches. Each
 * replica is the embed-service's own {@link PartitionFence} and {@link BatchApplier} behind a plain Kafka consumer,
 * driven the way the SmallRye connector drives {@link ChunkOpsConsumer}: the poll thread hands a batch to a worker,
 * pauses its partitions meanwhile, and runs the fence in its rebalance callback. After every round the index must hold
 * exactly each document's newest version (the model), and the recorded positions must cover every record.
 *
 * <p>The seed is printed; {@code -Dfreshrag.test.seed=N} replays one, {@code -Dfreshrag.test.rounds=N} runs more rounds. {@code -Dfreshrag.test.unfenced=true} removes both
 * fences (the rebalance wait and the index's version conditions) to show what they prevent: the test then fails.
 */
@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
class TwoReplicaRebalanceTest {

    private static final int PARTITIONS = 3;
    private static final int DOCS = 9;
    private static final int VERSIONS = 14;
    private static final int CONTENTS = 6;
    /**
     * The fence's wait per round: long enough for every batch to finish (the usual case), then so short that slow
     * batches are abandoned on revocation (their records are applied by the next owner).
     */
    private static final List<Duration> REVOKE_WAITS = List.of(Duration.ofSeconds(10), Duration.ofMillis(100));
    private static final boolean UNFENCED = Boolean.getBoolean("freshrag.test.unfenced");
    private static final IndexFingerprint FP = new IndexFingerprint(SlowEmbedderDouble.MODEL.id(),
            SlowEmbedderDouble.MODEL.dimension());

    @Test
    void replicasOnQdrantConvergeToTheNewestVersionsThroughRebalancesInTheMiddleOfBatches() throws Exception {
        long seed = Long.getLong("freshrag.test.seed", new Random().nextLong());
        int rounds = Integer.getInteger("freshrag.test.rounds", REVOKE_WAITS.size());
        for (int round = 0; round < rounds; round++) {
            Duration wait = REVOKE_WAITS.get(round % REVOKE_WAITS.size());
            System.out.printf("scale-out: round %d, seed %d, revoke wait %s%s%n", round, seed + round, wait,
                    UNFENCED ? " (UNFENCED)" : "");
            runRound(seed + round, wait);
        }
    }

    /**
     * The race, forced instead of left to timing: replica A stalls on version n-1 of a chosen document (its
     * model, or its index call after it checked the document's mark); A leaves the group, its revocation gives up after
     * a short wait; B replays and applies n-1 and n (n deletes a chunk and relabels the others) and records its
     * positions; only then does A go on. The index must end as the model of newest versions, with every position
     * covered. Without the fences ({@code -Dfreshrag.test.unfenced=true}) A's late write moves the partition's position
     * back (model stall) or brings the deleted chunk back under the old version (index stall), and the test fails.
     */
    @Test
    void aReplicaWhoseModelStallsOnAnOlderVersionWritesNothingAfterTheNextOwnerAppliedTheNewer() throws Exception {
        forcedRaces(Stall.MODEL);
    }

    @Test
    void aReplicaWhoseIndexCallStallsOnAnOlderVersionCannotOverwriteWhatTheNextOwnerApplied() throws Exception {
        forcedRaces(Stall.INDEX_CALL);
    }

    /** Where replica A stalls in the forced race. */
    private enum Stall {
        /** Its model, while embedding version n-1 (before the applier reads the document's mark). */
        MODEL,
        /** Its index call writing version n-1's new chunk (after the applier read the mark: a Qdrant retry loop). */
        INDEX_CALL
    }

    private void forcedRaces(Stall stall) throws Exception {
        long seed = Long.getLong("freshrag.test.seed", new Random().nextLong());
        int rounds = Integer.getInteger("freshrag.test.rounds", 2);
        for (int round = 0; round < rounds; round++) {
            forcedRace(seed + round, stall);
        }
    }

    private void forcedRace(long seed, Stall stall) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = broker.createTopics(KafkaBroker.uniquePrefix(), PARTITIONS).chunkOps();
        String group = "forced-race-" + seed;
        Random random = new Random(seed);
        int chosen = random.nextInt(DOCS);
        // paragraphs of the chosen document: a, b, c at v1; x added at v2 (n-1); b deleted, a, c, x relabelled at v3 (n)
        int a = 0;
        int b = 1;
        int c = 2;
        int x = 3;
        Duration revokeWait = Duration.ofMillis(100);
        try (InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start()) {
            if (UNFENCED) {
                qdrant.ignoreUpdateFilters();
            }
            VectorIndexWriter observer = qdrant.openIndex("scale-out", FP);
            Model model = new Model();
            java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Embedder fastModel = new SlowEmbedderDouble(() -> 0);
            Replica replicaA = stall == Stall.MODEL
                    ? new Replica("A", broker, group, topic, qdrant.openIndex("scale-out", FP),
                            new StallingEmbedderDouble(fastModel, Model.text(chosen, x), stalled, release), revokeWait)
                    : new Replica("A", broker, group, topic, new StallingIndexDouble(qdrant.openIndex("scale-out", FP),
                            Model.chunkId(chosen, x), stalled, release), fastModel, revokeWait);
            Replica replicaB = null;
            try {
                awaitTrue(() -> replicaA.assigned.size() == PARTITIONS, "replica A holds every partition");
                produce(broker, topic, model, chosen, 1, Set.of(a, b, c), random);
                awaitCovered(observer, model.positions());
                produce(broker, topic, model, chosen, 2, Set.of(a, b, c, x), random);
                assertThat(stalled.await(60, java.util.concurrent.TimeUnit.SECONDS))
                        .as("replica A reached version 2 of d" + chosen).isTrue();
                replicaA.leave(); // its revocation waits 100 ms, then abandons the stalled batch
                replicaB = new Replica("B", broker, group, topic, qdrant.openIndex("scale-out", FP), fastModel,
                        revokeWait);
                produce(broker, topic, model, chosen, 3, Set.of(a, c, x), random);
                awaitCovered(observer, model.positions()); // B replayed v2 and applied v3, positions recorded
            } finally {
                release.countDown(); // A goes on with its version 2
                replicaA.close();
                if (replicaB != null) {
                    replicaB.close();
                }
            }
            SourceOffsets expected = model.positions();
            SourceOffsets applied = observer.appliedSourceOffsets(Lane.LIVE);
            List<String> differences = model.differences((VectorIndexReader) observer);
            System.out.printf("forced race (%s stall, seed %d%s): d%d v2 held by A until B applied v2 and v3; "
                            + "A %s %d batch(es); positions %s (expected %s), %d differences from the model%s%n",
                    stall, seed, UNFENCED ? ", UNFENCED" : "", chosen,
                    UNFENCED ? "(fence off) let through" : "abandoned", replicaA.abandoned, applied, expected,
                    differences.size(), differences.isEmpty() ? "" : ": " + differences);
            observer.close();
            assertThat(differences).as("index == model of newest versions (seed " + seed + ")").isEmpty();
            assertThat(applied.covers(expected)).as("positions " + applied + " cover every record " + expected
                    + " (seed " + seed + ")").isTrue();
        }
    }

    /** Version {@code v} of every document: the chosen one with {@code chosenContents}, the others at random. */
    private static void produce(KafkaBroker broker, String topic, Model model, int chosen, int v,
                                Set<Integer> chosenContents, Random random) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(broker.producerConfig()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int d = 0; d < DOCS; d++) {
                DocumentOps ops = d == chosen ? model.next(d, v, chosenContents) : model.next(d, v, random);
                producer.send(new ProducerRecord<>(topic, ops.sourcePartition(), ops.tenant() + "/" + ops.docId(),
                        EventJson.write(ops))).get();
            }
        }
    }

    private static void awaitCovered(VectorIndexWriter observer, SourceOffsets expected) throws InterruptedException {
        awaitTrue(() -> observer.appliedSourceOffsets(Lane.LIVE).covers(expected), "positions cover " + expected);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as("within 60 s: " + what).isTrue();
            Thread.sleep(20);
        }
    }

    @Test
    void onLuceneASecondReplicaIsRefusedItsWriter(@TempDir Path dir) {
        try (LuceneWriterIndex first = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults())) {
            assertThatThrownBy(() -> LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults()))
                    .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("write lock");
            assertThat(first.isHealthy()).isTrue();
        }
    }

    private void runRound(long seed, Duration revokeWait) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = broker.createTopics(KafkaBroker.uniquePrefix(), PARTITIONS).chunkOps();
        String group = "scale-out-" + seed;
        Random random = new Random(seed);
        try (InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start()) {
            if (UNFENCED) {
                qdrant.ignoreUpdateFilters();
            }
            VectorIndexWriter observer = qdrant.openIndex("scale-out", FP);
            List<Replica> replicas = new ArrayList<>();
            replicas.add(new Replica("A", broker, group, topic, qdrant, new Random(random.nextLong()), revokeWait));
            replicas.add(new Replica("B", broker, group, topic, qdrant, new Random(random.nextLong()), revokeWait));

            Model model = new Model();
            Random chaosRandom = new Random(random.nextLong());
            int[] joins = {0};
            java.util.concurrent.atomic.AtomicLong producedAt = new java.util.concurrent.atomic.AtomicLong();
            // replicas join and leave all through the production and for a while after it, so the last versions too
            // are applied while batches move between replicas
            Thread chaos = new Thread(() -> {
                try {
                    for (int i = 0; producedAt.get() == 0 || System.nanoTime() < producedAt.get() + 1_500_000_000L; i++) {
                        Thread.sleep(50 + chaosRandom.nextInt(200));
                        Replica c = new Replica("C" + i, broker, group, topic, qdrant, new Random(chaosRandom.nextLong()),
                                revokeWait);
                        joins[0]++;
                        Thread.sleep(150 + chaosRandom.nextInt(300));
                        c.close();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "scale-out-chaos");
            chaos.start();
            produce(broker, topic, model, new Random(random.nextLong()));
            producedAt.set(System.nanoTime());
            chaos.join();

            SourceOffsets expected = model.positions();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!observer.appliedSourceOffsets(Lane.LIVE).covers(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            for (Replica r : replicas) {
                r.close();
            }
            SourceOffsets applied = observer.appliedSourceOffsets(Lane.LIVE);
            List<String> differences = model.differences((VectorIndexReader) observer);
            int abandoned = replicas.stream().mapToInt(r -> r.abandoned).sum() + Replica.abandonedByChaos;
            System.out.printf("scale-out: %d records, %d replicas joined and left, %d revocations abandoned a batch, "
                            + "positions %s (expected %s), %d differences from the model%s%n",
                    model.records, joins[0], abandoned, applied, expected, differences.size(),
                    differences.isEmpty() ? "" : ": " + differences);
            Replica.abandonedByChaos = 0;
            observer.close();
            assertThat(differences).as("index == model of newest versions (seed " + seed + ")").isEmpty();
            assertThat(applied.covers(expected)).as("positions cover every record (seed " + seed + ")").isTrue();
        }
    }

    /** One document-change stream: every document goes through VERSIONS versions; its chunk ops are diffed as the ingest does. */
    private static void produce(KafkaBroker broker, String topic, Model model, Random random) throws Exception {
        Map<String, Object> config = new HashMap<>(broker.producerConfig());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int v = 1; v <= VERSIONS; v++) {
                for (int d = 0; d < DOCS; d++) {
                    DocumentOps ops = model.next(d, v, random);
                    producer.send(new ProducerRecord<>(topic, ops.sourcePartition(), ops.tenant() + "/" + ops.docId(),
                            EventJson.write(ops))).get();
                }
                Thread.sleep(100 + random.nextInt(200));
            }
        }
    }

    /** What the index must end as: per document its newest version's chunks, or nothing once deleted. */
    private static final class Model {
        final Map<Integer, Set<Integer>> contents = new HashMap<>();
        final Map<Integer, Long> version = new HashMap<>();
        final long[] nextOffset = new long[PARTITIONS];
        int records;

        static String chunkId(int doc, int content) {
            return "d" + doc + "-c" + content;
        }

        static String text(int doc, int content) {
            return "document " + doc + " paragraph " + content;
        }

        DocumentOps next(int doc, int v, Random random) {
            Set<Integer> old = contents.getOrDefault(doc, Set.of());
            if (!old.isEmpty() && random.nextInt(8) == 0) {
                int partition = doc % PARTITIONS;
                long offset = nextOffset[partition]++;
                records++;
                version.put(doc, (long) v);
                contents.put(doc, Set.of());
                return new DocumentOps("acme", "d" + doc, v, DocumentOps.Kind.DELETE_DOCUMENT, null, Map.of(), List.of(),
                        0, partition, offset);
            }
            TreeSet<Integer> now = new TreeSet<>();
            int size = 1 + random.nextInt(4);
            while (now.size() < size) {
                now.add(random.nextInt(CONTENTS));
            }
            return next(doc, v, now);
        }

        /** Version {@code v} of a document holding exactly the paragraphs {@code now} (diffed against its last version). */
        DocumentOps next(int doc, int v, Set<Integer> now) {
            int partition = doc % PARTITIONS;
            long offset = nextOffset[partition]++;
            records++;
            Set<Integer> old = contents.getOrDefault(doc, Set.of());
            version.put(doc, (long) v);
            List<ChunkOp> ops = new ArrayList<>();
            int seq = 0;
            for (int c : new TreeSet<>(now)) {
                String text = text(doc, c);
                String hash = "h" + doc + "-" + c;
                ops.add(old.contains(c) ? ChunkOp.payload(chunkId(doc, c), seq, hash, text)
                        : ChunkOp.embed(chunkId(doc, c), seq, hash, text));
                seq++;
            }
            for (int c : old) {
                if (!now.contains(c)) {
                    ops.add(ChunkOp.delete(chunkId(doc, c)));
                }
            }
            contents.put(doc, Set.copyOf(now));
            return new DocumentOps("acme", "d" + doc, v, DocumentOps.Kind.APPLY, "v" + v, Map.of(), ops, now.size(),
                    partition, offset);
        }

        SourceOffsets positions() {
            Map<Integer, Long> next = new TreeMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                if (nextOffset[p] > 0) {
                    next.put(p, nextOffset[p]);
                }
            }
            return new SourceOffsets(next);
        }

        List<String> differences(VectorIndexReader index) {
            List<String> out = new ArrayList<>();
            for (int d = 0; d < DOCS; d++) {
                Set<String> want = new TreeSet<>();
                for (int c : contents.getOrDefault(d, Set.of())) {
                    want.add(chunkId(d, c));
                }
                Set<String> have = new TreeSet<>(index.chunkIds("acme", "d" + d));
                Optional<DocumentStatus> status = index.document("acme", "d" + d);
                if (!want.equals(have)) {
                    out.add("d" + d + " chunks " + have + " != " + want);
                } else if (!want.isEmpty() && status.map(DocumentStatus::version).orElse(-1L) != version.get(d)) {
                    out.add("d" + d + " at v" + status.map(DocumentStatus::version).orElse(-1L) + " != v" + version.get(d));
                }
            }
            return out;
        }
    }

    /**
     * One embed-service replica: its own consumer in the group, its own Qdrant client, the service's fence and applier,
     * and a model that is slow now and then (so rebalances land in the middle of batches).
     */
    private static final class Replica implements AutoCloseable {
        static volatile int abandonedByChaos;

        final String name;
        final KafkaConsumer<String, byte[]> consumer;
        final PartitionFence fence = new PartitionFence();
        final VectorIndexWriter index;
        final BatchApplier applier;
        final ExecutorService worker;
        final Thread poller;
        volatile boolean running = true;
        /** The partitions this replica's consumer holds now. */
        final Set<Integer> assigned = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Future<Map<TopicPartition, OffsetAndMetadata>> inFlight;
        int abandoned;

        final Duration revokeWait;

        Replica(String name, KafkaBroker broker, String group, String topic, InProcessQdrantProtocolDouble qdrant,
                Random random, Duration revokeWait) {
            this(name, broker, group, topic, qdrant.openIndex("scale-out", FP), new SlowEmbedderDouble(() -> {
                synchronized (random) {
                    int kind = random.nextInt(10);
                    return kind < 5 ? random.nextInt(20) : kind < 7 ? 100 + random.nextInt(200) : 400 + random.nextInt(500);
                }
            }), revokeWait);
        }

        /** A replica writing through {@code index} with {@code model}: the forced race's stalling ones. */
        Replica(String name, KafkaBroker broker, String group, String topic, VectorIndexWriter index, Embedder model,
                Duration revokeWait) {
            this.name = name;
            this.revokeWait = revokeWait;
            Map<String, Object> config = new HashMap<>(broker.consumerConfig());
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 6);
            consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            this.index = index;
            applier = new BatchApplier(model, index, new EmbeddingCache(0), new EmbedMetrics(new SimpleMeterRegistry()));
            if (UNFENCED) {
                fence.disableForTest();
            }
            worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "replica-" + name + "-worker"));
            poller = new Thread(() -> loop(topic), "replica-" + name + "-poller");
            poller.start();
        }

        private void loop(String topic) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    assigned.removeAll(numbers(partitions));
                    try {
                        if (!fence.revoked(numbers(partitions), revokeWait).isEmpty()) {
                            abandoned++;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    commitIfDone(); // the batch finished within the wait: its offsets before the partitions move
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    fence.assigned(numbers(partitions));
                    assigned.addAll(numbers(partitions));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    assigned.removeAll(numbers(partitions));
                    fence.lost(numbers(partitions));
                }
            });
            List<ConsumerRecord<String, byte[]>> pending = new ArrayList<>();
            try {
                while (running) {
                    consumer.poll(Duration.ofMillis(20)).forEach(pending::add);
                    commitIfDone();
                    if (inFlight == null && !pending.isEmpty()) {
                        List<ConsumerRecord<String, byte[]>> batch = List.copyOf(pending);
                        pending.clear();
                        consumer.pause(consumer.assignment()); // as the connector does while its worker is busy
                        inFlight = worker.submit(() -> apply(batch));
                    }
                }
            } finally {
                consumer.close(); // leaves the group: the revocation runs the fence
                worker.shutdown();
            }
        }

        private void commitIfDone() {
            if (inFlight == null || !inFlight.isDone()) {
                return;
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(inFlight.get());
                offsets.keySet().retainAll(consumer.assignment());
                if (!offsets.isEmpty()) {
                    consumer.commitSync(offsets);
                }
            } catch (RebalanceInProgressException | org.apache.kafka.clients.consumer.CommitFailedException e) {
                // the records are replayed by the partitions' next owner; every write is idempotent
            } catch (Exception e) {
                throw new IllegalStateException("replica " + name + " failed a batch", e);
            } finally {
                inFlight = null;
                consumer.resume(consumer.paused());
            }
        }

        /** The worker's part: embed (slowly), then write through the fence; answers the offsets to commit. */
        private Map<TopicPartition, OffsetAndMetadata> apply(List<ConsumerRecord<String, byte[]>> records) {
            List<DocumentOps> ops = records.stream().map(r -> EventJson.readDocumentOps(r.value())).toList();
            PartitionFence.Ticket ticket = fence.admit(ops.stream().map(DocumentOps::sourcePartition).toList());
            try {
                Map<String, float[]> vectors = applier.vectors(BatchPlan.of(ops));
                List<DocumentOps> held = ops.stream().filter(o -> ticket.holds(o.sourcePartition())).toList();
                if (held.isEmpty()) {
                    return Map.of();
                }
                SourceOffsets positions = SourceOffsets.NONE;
                for (DocumentOps o : held) {
                    positions = positions.withApplied(o.sourcePartition(), o.sourceOffset());
                }
                SourceOffsets finalPositions = positions;
                Integer written = fence.write(ticket, held.stream().map(DocumentOps::sourcePartition).distinct().toList(),
                        () -> applier.write(Lane.LIVE, held, vectors, finalPositions));
                if (written == null) {
                    return Map.of();
                }
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (ticket.holds(r.partition())) {
                        commit.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                                (a, b) -> a.offset() >= b.offset() ? a : b);
                    }
                }
                return commit;
            } finally {
                fence.finished(ticket);
            }
        }

        private static List<Integer> numbers(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::partition).toList();
        }

        /**
         * Leaves the group (a scale-down) without waiting for the batch in flight: the consumer's close runs the
         * revocation, and the fence with it; the worker goes on with its batch. {@link #close} waits for it.
         */
        void leave() throws InterruptedException {
            running = false;
            poller.join(60_000);
        }

        @Override
        public void close() {
            running = false;
            try {
                poller.join(60_000);
                worker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (name.startsWith("C")) {
                abandonedByChaos += abandoned;
            }
            index.close();
        }
    }
}
