package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.Limits;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.config.IngestConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The values the topology is built from; a plain record so tests build topologies without CDI. {@code generationsTopic}
 * is kb.generations, the plan of index generations the ingest follows (re-chunking reindex) and answers on.
 */
public record TopologySettings(String docChangesTopic, String docChangesBulkTopic, String chunkOpsTopic, String chunkOpsBulkTopic, String dlqTopic, String docLogTopic, Limits limits,
                               int maxTokens, int minTokens, Optional<Duration> tombstoneRetention,
                               LiveLimits live, String generationsTopic) {

    /**
     * Which unmarked events go live ({@code freshrag.ingest.*}): at most {@code burst} of one tenant per {@code window}
     * per task, each at most {@code maxBytes}; the others are deferred.
     */
    public record LiveLimits(int burst, Duration window, int maxBytes) {
        public static final LiveLimits DEFAULTS = new LiveLimits(32, Duration.ofSeconds(1), 512 * 1024);
    }

    public static TopologySettings from(IngestConfig c) {
        return new TopologySettings(c.topics().docChanges(), c.topics().docChangesBulk(), c.topics().chunkOps(), c.topics().chunkOpsBulk(), c.topics().dlq(), c.topics().docLog(), c.limits().toLimits(),
                c.chunkMaxTokens(), c.chunking().minTokens(), c.tombstoneRetention(),
                new LiveLimits(c.ingest().liveBurst(), c.ingest().liveBurstWindow(), c.ingest().liveMaxBytes()), c.topics().generations());
    }

    public static TopologySettings defaults() {
        return new TopologySettings(Topics.DOC_CHANGES, Topics.DOC_CHANGES_BULK, Topics.CHUNK_OPS, Topics.CHUNK_OPS_BULK, Topics.DLQ, Topics.DOC_LOG, Limits.DEFAULTS, 256, 64, Optional.empty(), LiveLimits.DEFAULTS, Topics.GENERATIONS);
    }

    /** With the opt-in tombstone retention ({@code freshrag.tombstone-retention}). */
    public TopologySettings withTombstoneRetention(Duration retention) {
        return new TopologySettings(docChangesTopic, docChangesBulkTopic, chunkOpsTopic, chunkOpsBulkTopic, dlqTopic, docLogTopic, limits, maxTokens, minTokens, Optional.of(retention), live, generationsTopic);
    }

    /** With other limits of what goes live. */
    public TopologySettings withLiveLimits(LiveLimits limits) {
        return new TopologySettings(docChangesTopic, docChangesBulkTopic, chunkOpsTopic, chunkOpsBulkTopic, dlqTopic, docLogTopic, this.limits, maxTokens, minTokens, tombstoneRetention, limits, generationsTopic);
    }
}
