package dev.freshrag.embed.reindex;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.health.ChunkOpsAssignment;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The backfill lease is partition 0 of kb.chunk-ops: Kafka's group protocol gives each partition of the live lane to
 * exactly one replica of the consumer group and hands it to another when that one leaves or stops polling, so the
 * lease needs no store, clock or heartbeat of its own. A replica that starts after the others gets it only if the
 * group moves it there; the backfill it takes over resumes from the progress kb.generations records (re-driving a few
 * documents twice at most, which the version guard makes harmless).
 */
@ApplicationScoped
public class ChunkOpsPartitionLease implements BackfillLease {

    static final int LEASE_PARTITION = 0;

    private final ChunkOpsAssignment assignment;
    private final String topic;

    public ChunkOpsPartitionLease(@Identifier(ChunkOpsAssignment.NAME) ChunkOpsAssignment assignment, EmbedConfig config) {
        this.assignment = assignment;
        this.topic = config.topics().chunkOps();
    }

    @Override
    public boolean held() {
        return assignment.holds(topic, LEASE_PARTITION);
    }

    @Override
    public void onChange(Runnable listener) {
        assignment.onChange(listener);
    }

    @Override
    public String holder() {
        return "the embed-service replica that holds " + topic + " partition " + LEASE_PARTITION;
    }
}
