package dev.freshrag.localkafka;

import dev.freshrag.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates FreshRAG's topics ({@link Topics#specs(int)}) on a running broker, idempotently:
 *
 * <pre>
 * java -cp ... dev.freshrag.localkafka.TopicBootstrap &lt;bootstrap&gt; [partitions]
 * </pre>
 *
 * Waits up to {@code FRESHRAG_KAFKA_WAIT_SECONDS} (default 60) for the broker to answer. Topics that
 * already exist are kept as they are (a warning is printed when they have fewer partitions than asked
 * for; partitions are never added automatically because that would move keys between partitions).
 * Exit codes: 0 done, 1 failed, 2 usage. The CLI calls {@link #run} in-process.
 */
public final class TopicBootstrap {

    /** What happened to one topic; {@link #line()} is what {@code main} prints. */
    public record Outcome(Kind kind, String topic, String detail) {

        public enum Kind { CREATED, EXISTS, WARNING }

        public String line() {
            String word = kind.name().toLowerCase(java.util.Locale.ROOT);
            return word + " ".repeat(Math.max(1, 9 - word.length())) + topic + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || args[0].startsWith("-")) {
            System.err.println("usage: TopicBootstrap <bootstrap-servers> [partitions (default "
                    + Topics.DEFAULT_PARTITIONS + ")]");
            System.exit(2);
        }
        int partitions = Topics.DEFAULT_PARTITIONS;
        if (args.length == 2) {
            try {
                partitions = Integer.parseInt(args[1]);
            } catch (NumberFormatException e) {
                partitions = -1;
            }
            if (partitions < 1) {
                System.err.println("TopicBootstrap: partitions must be a positive integer, got " + args[1]);
                System.exit(2);
            }
        }
        Duration wait = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("FRESHRAG_KAFKA_WAIT_SECONDS", "60")));
        try {
            run(args[0], partitions, wait).forEach(o -> System.out.println(o.line()));
            System.exit(0);
        } catch (Exception e) {
            System.err.println("TopicBootstrap: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Creates the topics; answers what happened to each (and warnings about existing ones). */
    public static List<Outcome> run(String bootstrap, int partitions, Duration waitForBroker) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "freshrag-topic-bootstrap");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(p)) {
            awaitBroker(admin, bootstrap, waitForBroker);
            List<Topics.Spec> specs = Topics.specs(partitions);
            List<NewTopic> newTopics = specs.stream()
                    .map(s -> new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.config()))
                    .toList();
            var results = admin.createTopics(newTopics).values();
            List<Outcome> outcomes = new ArrayList<>();
            for (Topics.Spec s : specs) {
                try {
                    results.get(s.name()).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    outcomes.add(new Outcome(Outcome.Kind.CREATED, s.name(), describe(s)));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        outcomes.add(new Outcome(Outcome.Kind.EXISTS, s.name(), ""));
                    } else {
                        throw new IllegalStateException("could not create " + s.name() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            outcomes.addAll(checkPartitions(admin, specs));
            return outcomes;
        }
    }

    private static void awaitBroker(Admin admin, String bootstrap, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("no Kafka broker answered at " + bootstrap + " within " + wait.toSeconds()
                + " s" + (last == null ? "" : " (" + (last.getCause() != null ? last.getCause() : last) + ")"));
    }

    private static List<Outcome> checkPartitions(Admin admin, List<Topics.Spec> specs) throws Exception {
        List<Outcome> warnings = new ArrayList<>();
        Map<String, TopicDescription> found = admin.describeTopics(specs.stream().map(Topics.Spec::name).toList())
                .allTopicNames().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (Topics.Spec s : specs) {
            int actual = found.get(s.name()).partitions().size();
            if (actual < s.partitions()) {
                warnings.add(new Outcome(Outcome.Kind.WARNING, s.name(), "has " + actual + " partitions, fewer than the "
                        + s.partitions() + " asked for; it was created earlier and is left as it is"));
            }
        }
        int docChanges = found.get(Topics.DOC_CHANGES).partitions().size();
        // both lanes keep the partition number of the kb.doc-changes record their operations came from
        for (String lane : List.of(Topics.CHUNK_OPS, Topics.CHUNK_OPS_BULK)) {
            int chunkOps = found.get(lane).partitions().size();
            if (chunkOps < docChanges) {
                throw new IllegalStateException(lane + " has " + chunkOps + " partitions but "
                        + Topics.DOC_CHANGES + " has " + docChanges + "; it needs at least as many");
            }
        }
        return warnings;
    }

    private static String describe(Topics.Spec s) {
        return "(" + s.partitions() + " partitions, " + new java.util.TreeMap<>(s.config()) + ")";
    }

    private TopicBootstrap() {
    }
}
