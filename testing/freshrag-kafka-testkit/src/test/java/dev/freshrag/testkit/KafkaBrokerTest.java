package dev.freshrag.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
class KafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final KafkaBroker broker = KafkaBroker.shared();

    @Test
    void oneBrokerPerJvm() {
        assertSame(broker, KafkaBroker.shared());
        assertTrue(broker.bootstrapServers().contains(":"), broker.bootstrapServers());
    }

    @Test
    void createsTheStandardTopicsWithTheirSpecsUnderAPrefix() throws Exception {
        KafkaBroker.TopicNames t = broker.createTopics("spec-");
        assertEquals("spec-" + Topics.DOC_CHANGES, t.docChanges());
        assertEquals(t.chunkOps(), t.forStandardName(Topics.CHUNK_OPS));
        assertTrue(broker.admin().listTopics().names().get().containsAll(t.all()));

        for (Topics.Spec spec : Topics.specs(KafkaBroker.TEST_PARTITIONS)) {
            String name = t.forStandardName(spec.name());
            assertEquals(spec.partitions(), broker.describeTopic(name).partitions().size(), name);
            Map<String, String> config = broker.topicConfig(name);
            spec.config().forEach((k, v) -> assertEquals(v, config.get(k), name + " " + k));
        }
        assertEquals("compact", broker.topicConfig(t.docChanges()).get("cleanup.policy"));
        assertTrue(broker.describeTopic(t.chunkOps()).partitions().size()
                >= broker.describeTopic(t.docChanges()).partitions().size());

        // idempotent
        broker.createTopics("spec-");
        broker.createTopics(Topics.specs(KafkaBroker.TEST_PARTITIONS).stream()
                .map(s -> new Topics.Spec("spec-" + s.name(), s.partitions(), s.config())).toList());
    }

    @Test
    void recordsWithHeadersRoundTrip() {
        KafkaBroker.TopicNames t = broker.createUniqueTopics();
        RecordMetadata m = broker.produce(t.docChanges(), "acme/handbook.md", "{\"op\":\"UPSERT\"}",
                Map.of("freshrag-tenant", "acme", "traceparent", "00-abc-def-01"));
        broker.produce(t.docChanges(), "acme/other.md", null); // tombstone
        assertTrue(m.offset() >= 0);

        List<ConsumerRecord<String, String>> all = broker.consumeAll(t.docChanges(), TIMEOUT);
        assertEquals(2, all.size());
        ConsumerRecord<String, String> r = all.stream().filter(x -> x.key().equals("acme/handbook.md")).findFirst().orElseThrow();
        assertEquals("{\"op\":\"UPSERT\"}", r.value());
        assertEquals("acme", KafkaBroker.header(r, "freshrag-tenant"));
        assertEquals(Map.of("freshrag-tenant", "acme", "traceparent", "00-abc-def-01"), KafkaBroker.headers(r));
        assertEquals(m.partition(), r.partition());
        assertNull(all.stream().filter(x -> x.key().equals("acme/other.md")).findFirst().orElseThrow().value());

        ConsumerRecord<String, String> found = broker.awaitRecord(t.docChanges(),
                x -> "acme".equals(KafkaBroker.header(x, "freshrag-tenant")), TIMEOUT);
        assertEquals(r.offset(), found.offset());
        assertEquals(0, broker.consumeAll(t.chunkOps(), TIMEOUT).size());
    }

    @Test
    void awaitRecordsSeesRecordsProducedLater() throws Exception {
        KafkaBroker.TopicNames t = broker.createUniqueTopics();
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < 5; i++) {
                broker.produce(t.chunkOps(), "k" + i, "v" + i);
            }
        });
        later.start();
        List<ConsumerRecord<String, String>> rs = broker.awaitRecords(t.chunkOps(), 5, TIMEOUT);
        later.join();
        assertEquals(5, rs.size());

        AssertionError e = assertThrows(AssertionError.class,
                () -> broker.awaitRecords(t.chunkOps(), 6, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("5 records"), e.getMessage());
    }

    @Test
    void aRecordNearTheLargestAllowedSizeFits() {
        KafkaBroker.TopicNames t = broker.createUniqueTopics();
        byte[] big = new byte[12 * 1024 * 1024];
        new Random(1).nextBytes(big);
        broker.produce(t.docChanges(), "k".getBytes(), big, Map.of());
        List<ConsumerRecord<byte[], byte[]>> rs = broker.consumeAllBytes(t.docChanges(), TIMEOUT);
        assertEquals(1, rs.size());
        assertArrayEquals(big, rs.get(0).value());
    }

    @Test
    void autoTopicCreationIsOff() throws Exception {
        String name = KafkaBroker.uniquePrefix() + "unknown";
        assertThrows(RuntimeException.class, () -> broker.consumeAll(name, Duration.ofSeconds(2)));
        assertTrue(!broker.admin().listTopics().names().get().contains(name));
    }

    @Test
    void testResourceCreatesTheDefaultTopicsAndReturnsTheConfig() throws Exception {
        KafkaBrokerTestResource resource = new KafkaBrokerTestResource();
        resource.init(Map.of());
        Map<String, String> config = resource.start();
        assertEquals(broker.bootstrapServers(), config.get("kafka.bootstrap.servers"));
        assertEquals(broker.bootstrapServers(), config.get("quarkus.kafka-streams.bootstrap-servers"));
        assertEquals("false", config.get("quarkus.devservices.enabled"));
        Set<String> names = broker.admin().listTopics().names().get();
        for (Topics.Spec s : Topics.specs(1)) {
            assertTrue(names.contains(s.name()), s.name());
        }
        assertEquals("compact", broker.topicConfig(Topics.DOC_CHANGES).get("cleanup.policy"));
        // a second application in the same JVM: same broker, topics already there
        assertEquals(config.get("kafka.bootstrap.servers"), new KafkaBrokerTestResource().start().get("kafka.bootstrap.servers"));
        resource.stop();
    }

    @Test
    void aRestartKeepsThePortAndTheLogAndClientsReconnect() {
        KafkaBroker.TopicNames t = broker.createUniqueTopics();
        String bootstrap = broker.bootstrapServers();
        broker.produce(t.docChanges(), "acme/before.md", "before");

        broker.restart(Duration.ofMillis(500));

        assertEquals(bootstrap, broker.bootstrapServers());
        // the shared producer and the admin client were connected before: they reconnect by themselves
        broker.produce(t.docChanges(), "acme/after.md", "after");
        List<ConsumerRecord<String, String>> all = broker.consumeAll(t.docChanges(), TIMEOUT);
        assertEquals(Set.of("before", "after"), Set.copyOf(all.stream().map(ConsumerRecord::value).toList()));
    }
}
