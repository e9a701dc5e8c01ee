package dev.freshrag.localkafka;

import dev.freshrag.events.Topics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Broker settings for a single KRaft node (broker and controller in one), declared once: the test kit's
 * in-JVM broker and the CLI's local broker ({@code server.properties}) both apply them. Listeners, ports and
 * directories are the caller's.
 */
public final class SingleNodeBroker {

    /** A little above the largest record, so that a full-size record plus batch overhead fits. */
    public static final int MAX_MESSAGE_BYTES = Topics.MAX_MESSAGE_BYTES + 1024 * 1024;

    private SingleNodeBroker() {
    }

    /** Sorted by name, so that a rendered file is stable. */
    public static Map<String, String> settings() {
        Map<String, String> c = new TreeMap<>();
        // one node: every internal topic with replication factor 1; exactly-once needs the transaction log
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "4");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "4");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("min.insync.replicas", "1");
        c.put("default.replication.factor", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        // FreshRAG creates its topics itself (TopicBootstrap); a typo in a topic name must fail, not create one
        c.put("auto.create.topics.enable", "false");
        c.put("num.partitions", "1");
        c.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        c.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        return c;
    }
}
