package dev.freshrag.query.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Consumer-group lag per topic and partition, read with the Kafka admin client: end offset minus committed offset. */
public final class ConsumerLag implements AutoCloseable {

    /** One row of the lag table. */
    public record Row(String group, String topic, int partition, long committed, long end, long lag) {
    }

    private final Admin admin;
    private final Duration timeout;

    ConsumerLag(Map<String, Object> clientConfig, Duration timeout) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put("client.id", "freshrag-query-console");
        c.put("request.timeout.ms", (int) timeout.toMillis());
        c.put("default.api.timeout.ms", (int) timeout.toMillis());
        this.admin = Admin.create(c);
        this.timeout = timeout;
    }

    /** Rows of every partition the groups have committed, sorted by group, topic, partition. */
    List<Row> rows(List<String> groups) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            committed.forEach((tp, om) -> {
                if (om != null) {
                    ask.put(tp, OffsetSpec.latest());
                }
            });
            if (ask.isEmpty()) {
                continue;
            }
            var ends = admin.listOffsets(ask).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (TopicPartition tp : ask.keySet()) {
                long c = committed.get(tp).offset();
                long e = ends.get(tp).offset();
                rows.add(new Row(group, tp.topic(), tp.partition(), c, e, Math.max(0, e - c)));
            }
        }
        rows.sort(Comparator.comparing(Row::group).thenComparing(Row::topic).thenComparingInt(Row::partition));
        return rows;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
