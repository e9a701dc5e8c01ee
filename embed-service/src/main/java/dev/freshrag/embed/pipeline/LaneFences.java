package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.index.Lane;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/** The {@link PartitionFence} of each lane, found by the topic a rebalance callback names. */
@ApplicationScoped
public class LaneFences {

    private final PartitionFence live = new PartitionFence();
    private final PartitionFence bulk = new PartitionFence();
    private final EmbedConfig config;

    public LaneFences(EmbedConfig config) {
        this.config = config;
    }

    public PartitionFence of(Lane lane) {
        return lane == Lane.LIVE ? live : bulk;
    }

    /** The fence of the lane consuming {@code topic}; empty for a topic of neither lane. */
    public Optional<PartitionFence> ofTopic(String topic) {
        if (topic.equals(config.topics().chunkOps())) {
            return Optional.of(live);
        }
        if (topic.equals(config.topics().chunkOpsBulk())) {
            return Optional.of(bulk);
        }
        return Optional.empty();
    }

    public Duration revokeWait() {
        return config.fence().revokeWait();
    }
}
