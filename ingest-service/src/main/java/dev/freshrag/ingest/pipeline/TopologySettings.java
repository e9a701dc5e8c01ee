package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.Limits;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.config.IngestConfig;
import java.time.Duration;
import java.util.Optional;

/** The values the topology is built from; a plain record so tests build topologies without CDI. */
public record TopologySettings(String docChangesTopic, String docChangesBulkTopic, String chunkOpsTopic, String chunkOpsBulkTopic, String dlqTopic, String docLogTopic, Limits limits,
                               int maxTokens, int minTokens, Optional<Duration> tombstoneRetention) {

    public static TopologySettings from(IngestConfig c) {
        return new TopologySettings(c.topics().docChanges(), c.topics().docChangesBulk(), c.topics().chunkOps(), c.topics().chunkOpsBulk(), c.topics().dlq(), c.topics().docLog(), c.limits().toLimits(),
                c.chunkMaxTokens(), c.chunking().minTokens(), c.tombstoneRetention());
    }

    public static TopologySettings defaults() {
        return new TopologySettings(Topics.DOC_CHANGES, Topics.DOC_CHANGES_BULK, Topics.CHUNK_OPS, Topics.CHUNK_OPS_BULK, Topics.DLQ, Topics.DOC_LOG, Limits.DEFAULTS, 256, 64, Optional.empty());
    }

    /** With the opt-in tombstone retention ({@code freshrag.tombstone-retention}). */
    public TopologySettings withTombstoneRetention(Duration retention) {
        return new TopologySettings(docChangesTopic, docChangesBulkTopic, chunkOpsTopic, chunkOpsBulkTopic, dlqTopic, docLogTopic, limits, maxTokens, minTokens, Optional.of(retention));
    }
}
