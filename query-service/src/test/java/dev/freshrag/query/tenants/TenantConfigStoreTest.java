package dev.freshrag.query.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tenant-configuration view on a real (in-JVM) Kafka broker. */
@Timeout(120)
class TenantConfigStoreTest {

    private static KafkaBroker broker;
    private static final TenantConfigValidator VALIDATOR = new TenantConfigValidator(100, 8000);

    @BeforeAll
    static void broker() {
        broker = KafkaBroker.shared();
    }

    private static String topic(int partitions) {
        String name = KafkaBroker.uniquePrefix() + Topics.TENANT_CONFIG;
        broker.createTopics(List.of(new Topics.Spec(name, partitions, Map.of("cleanup.policy", "compact"))));
        return name;
    }

    private static TenantConfig config(String tenant, int topK) {
        return new TenantConfig(tenant, new AdapterRef(tenant + "-adapter", "/adapters/" + tenant + "/" + topK), null, topK, "2026-11-29T00:00:00Z");
    }

    private static void put(String topic, String tenant, TenantConfig c) {
        broker.produce(topic, tenant.getBytes(StandardCharsets.UTF_8), c == null ? null : TenantConfigJson.write(c), Map.of());
    }

    private static TenantConfigStore store(String topic, List<TenantConfigChanged> changes) {
        return new TenantConfigStore(topic, Map.of("bootstrap.servers", broker.bootstrapServers()), VALIDATOR, changes::add);
    }

    /** Bounded wait for a condition the store reaches asynchronously; fails the test when it never does. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void whenCaughtUpTheViewHoldsEverythingWrittenBeforeTheStart() throws Exception {
        String topic = topic(3);
        Map<String, Integer> expected = new ConcurrentHashMap<>();
        for (int i = 0; i < 60; i++) {
            String tenant = "t" + (i % 20);
            put(topic, tenant, config(tenant, i % 50 + 1));
            expected.put(tenant, i % 50 + 1);
        }
        put(topic, "t3", null); // deleted
        expected.remove("t3");
        broker.produce(topic, "t4".getBytes(StandardCharsets.UTF_8), "{\"topK\": \"many\"}".getBytes(StandardCharsets.UTF_8), Map.of());
        broker.produce(topic, "t5".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8), Map.of());
        List<TenantConfigChanged> changes = Collections.synchronizedList(new ArrayList<>());
        try (TenantConfigStore store = store(topic, changes)) {
            assertThat(store.isCaughtUp()).isFalse();
            store.start();
            await("caught up", store::isCaughtUp);
            // the moment it says so, every record written before the start is in the view
            assertThat(store.size()).isEqualTo(expected.size());
            expected.forEach((tenant, topK) -> assertThat(store.get(tenant)).as(tenant)
                    .hasValueSatisfying(s -> assertThat(s.config().topK()).isEqualTo(topK)));
            assertThat(store.get("t3")).isEmpty();
            // bad records are skipped and keep the configuration before them
            assertThat(store.get("t4").orElseThrow().config().topK()).isEqualTo(expected.get("t4"));
            assertThat(store.get("t5").orElseThrow().config().topK()).isEqualTo(expected.get("t5"));
            assertThat(changes).hasSize(61);
        }
    }

    @Test
    void followsChangesLiveAndAWriterCanWaitForItsOwnWrite() throws Exception {
        String topic = topic(1);
        List<TenantConfigChanged> changes = Collections.synchronizedList(new ArrayList<>());
        try (TenantConfigStore store = store(topic, changes).start()) {
            await("caught up on an empty topic", store::isCaughtUp);
            assertThat(store.size()).isZero();

            TenantConfigStore.Written w = store.write("acme", config("acme", 7), Duration.ofSeconds(10));
            assertThat(store.awaitApplied(w.partition(), w.offset(), Duration.ofSeconds(30))).isTrue();
            assertThat(store.get("acme").orElseThrow().config().topK()).isEqualTo(7);
            assertThat(store.get("acme").orElseThrow().offset()).isEqualTo(w.offset());

            // a record written by someone else (another replica) shows up too
            put(topic, "other", config("other", 3));
            await("the other replica's write", () -> store.get("other").isPresent());

            TenantConfigStore.Written del = store.write("acme", null, Duration.ofSeconds(10));
            assertThat(store.awaitApplied(del.partition(), del.offset(), Duration.ofSeconds(30))).isTrue();
            assertThat(store.get("acme")).isEmpty();
            assertThat(changes).extracting(TenantConfigChanged::tenant).containsExactly("acme", "other", "acme");
            assertThat(changes.get(2).config()).isNull();
            assertThat(changes.get(2).revision()).isGreaterThan(changes.get(0).revision());
        }
    }

    @Test
    void notReadyWhileTheTopicDoesNotExist() throws Exception {
        String name = KafkaBroker.uniquePrefix() + "absent";
        try (TenantConfigStore store = store(name, new ArrayList<>()).start()) {
            await("the reader noticed", () -> store.state().contains("does not exist"));
            assertThat(store.isCaughtUp()).isFalse();
            broker.createTopics(List.of(new Topics.Spec(name, 1, Map.of("cleanup.policy", "compact"))));
            await("caught up once the topic exists", store::isCaughtUp);
        }
    }

    @Test
    void twoReplicasSeeTheSameConfiguration() throws Exception {
        String topic = topic(2);
        try (TenantConfigStore a = store(topic, new ArrayList<>()).start();
             TenantConfigStore b = store(topic, new ArrayList<>()).start()) {
            await("both caught up", () -> a.isCaughtUp() && b.isCaughtUp());
            TenantConfigStore.Written w = a.write("acme", config("acme", 9), Duration.ofSeconds(10));
            assertThat(b.awaitApplied(w.partition(), w.offset(), Duration.ofSeconds(30))).isTrue();
            assertThat(a.awaitApplied(w.partition(), w.offset(), Duration.ofSeconds(30))).isTrue();
            assertThat(b.get("acme").orElseThrow().config()).isEqualTo(a.get("acme").orElseThrow().config());
            assertThat(a.size()).isEqualTo(1);
            assertThat(b.size()).isEqualTo(1);
        }
    }
}
