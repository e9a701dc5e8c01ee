package dev.freshrag.embed.config;

import dev.freshrag.embedding.config.EmbeddingSettings;
import dev.freshrag.events.Topics;
import dev.freshrag.index.select.IndexSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Everything the embed-service can be told, under {@code freshrag.*}. */
@ConfigMapping(prefix = "freshrag")
public interface EmbedConfig {

    TopicNames topics();

    Embedding embedding();

    /** {@code freshrag.index.*}: the vector store, declared once in {@link IndexSettings}. */
    IndexSettings index();

    Retry retry();

    Batching batching();

    Fence fence();

    /** {@code freshrag.fence.*}: how a replica gives up partitions in a rebalance (see README "Scale-out"). */
    interface Fence {
        /**
         * How long a revoked partition's batch in flight may take to finish (its index commit included) before its
         * records are abandoned (not written, not recorded as applied; the partition's new owner applies them), and
         * again how long an index call under way may take to return after that. Keep it well below
         * {@code max.poll.interval.ms} (10 minutes): the rebalance waits for it.
         */
        @WithDefault("PT20S")
        Duration revokeWait();
    }

    interface TopicNames {
        /** Chunk operations from the ingest-service. */
        @WithDefault(Topics.CHUNK_OPS)
        String chunkOps();

        /**
         * Chunk operations of work marked bulk: the second lane, embedded only while the live lane is idle. Consumed
         * in its own consumer group, {@code freshrag-embed-bulk}.
         */
        @WithDefault(Topics.CHUNK_OPS_BULK)
        String chunkOpsBulk();

        /** Dead-letter topic for operations that cannot be applied. */
        @WithDefault(Topics.DLQ)
        String dlq();

        /** Where a reindex's backfill re-drives documents to (the ingest-service's input). */
        @WithDefault(Topics.DOC_CHANGES)
        String docChanges();

        /** The rebuild log a reindex's backfill reads: the newest accepted change of every document. */
        @WithDefault(Topics.DOC_LOG)
        String docLog();

        /** Index generations: what the reindex endpoints record and every replica follows. */
        @WithDefault(Topics.GENERATIONS)
        String generations();
    }

    Reindex reindex();

    /** {@code freshrag.reindex.*}: changing the model without downtime (issue 16, README "Changing the model"). */
    interface Reindex {
        /**
         * The chunking the ingest-service runs with ({@code freshrag.chunking.max-tokens} there), recorded in the plan of
         * generations when the first reindex adopts the index as generation 1. Default 256, the ingest's own default for
         * both models (before this release the ingest's default was the model's max length: an index built with
         * bge-small-en-v1.5 and no chunking set then has 512-token chunks; say so here). A model change keeps it.
         */
        @WithDefault("256")
        int chunkMaxTokens();

        /** How many documents the backfill re-drives before it records its progress on kb.generations. */
        @WithDefault("200")
        int progressEvery();
    }

    /** {@code freshrag.embedding.*}: the model settings declared once in {@link EmbeddingSettings}, and the cache. */
    interface Embedding extends EmbeddingSettings {
        /** Entries in the embedding cache keyed by model and content hash; 0 disables it. */
        @WithDefault("50000")
        int cacheEntries();
    }

    /**
     * {@code freshrag.batching.*}: how a received batch is cut into the slices that are embedded and written in turn
     * (the next slice embeds while the previous one is written and committed).
     */
    interface Batching {
        /**
         * Chunks to embed per slice in a backlog: large slices keep the model busy. Also the most a tenant's edit
         * waits behind other tenants' work in its lane (slices are cut round-robin by tenant). The live lane cuts its
         * slices smaller when the model is slow and several tenants wait: see {@link #liveSliceTime()}.
         */
        @WithDefault("256")
        int maxChunks();

        /**
         * How long one live slice should take the model, at its recent speed: the live lane cuts as many chunks as
         * the model embeds in this time (at least 4, at most {@link #maxChunks()}; 4 until it has measured). A tenant's edit
         * arriving during another tenant's flood waits for the slice in progress and then for its own, so this bounds
         * that wait on any hardware (256 chunks take about 20 s on two CPU cores, a fraction of a second on a GPU).
         * While one tenant alone has live work (and the embedding cache is on), its slices take up to
         * {@link #maxChunks()} in model calls of this length: a tenant whose work arrives meanwhile takes the slice's
         * place after the call in progress (the slice is cut again later; what it embedded stays cached).
         */
        @WithDefault("PT0.5S")
        Duration liveSliceTime();

        /**
         * Chunks to embed per bulk slice while live work is around (see {@link #liveQuiet()}): a live edit that
         * arrives waits at most for the bulk slice in progress, so bulk slices are small then.
         */
        @WithDefault("16")
        int minChunks();

        /**
         * Chunks to embed per bulk slice in a pure bulk backlog (no live work within {@link #liveQuiet()}). The first
         * live edit after a quiet spell waits for at most one such slice, so it is smaller than {@link #maxChunks()};
         * the next slice embeds while this one is written, so the model stays busy all the same.
         */
        @WithDefault("64")
        int bulkMaxChunks();

        /**
         * How long one bulk model call may take, at the model's recent speed, while live work is around (see
         * {@link #liveQuiet()}): a bulk slice is embedded in calls of as many chunks as the model embeds in this time
         * (at least 2), and the live lane takes the turn between two calls, so a live edit waits for the bulk call in
         * progress, not for the slice (one bulk record alone can hold a hundred chunks, seconds on two CPU cores). In a
         * pure bulk backlog a slice is one call.
         */
        @WithDefault("PT0.25S")
        Duration bulkCallTime();

        /** How long after the last live work bulk slices stay at {@link #minChunks()} before growing to {@link #bulkMaxChunks()}. */
        @WithDefault("PT2S")
        Duration liveQuiet();

        /**
         * Live records received and not yet durable that the embed-service holds at most (several poll batches): the
         * live lane slices all of them fairly by tenant, so a tenant's edit received behind another tenant's flood is
         * in the next slice. When full, the consumer takes no batch until records are durable and the connector
         * pauses the partitions. At least one batch is always taken, however large.
         */
        @WithDefault("2000")
        int livePendingRecords();

        /**
         * How long slices already embedded may wait to be written and committed together, while every tenant in them
         * still has records queued behind them (a backlog: a flood, a bulk load, several tenants loading at once).
         * One commit then covers several slices: fewer Lucene segments, merges and reader reopens, less CPU taken
         * from the model (on two CPU cores the live lane cuts a slice about every 0.3 s while several tenants load).
         * A slice holding a record of a tenant with nothing more queued (an edit) is written at once, with whatever
         * waited before it, so an edit is never held; a backlogged record waits at most this long beyond its slice.
         * {@code PT0S} writes and commits every slice on its own.
         */
        @WithDefault("PT1S")
        Duration backlogCommitInterval();
    }

    interface Retry {
        /**
         * First wait after a failed embedding (model fault) or index write; doubles up to {@link #maxBackoff()}.
         * Neither ever dead-letters: the partitions stay paused until the step succeeds. A reindex backfill that
         * fails (the broker unreachable) waits the same way and resumes from its recorded progress.
         */
        @WithDefault("PT0.2S")
        Duration initialBackoff();

        @WithDefault("PT30S")
        Duration maxBackoff();

        /**
         * Failed attempts in a row, of the model or of the index, after which readiness reports DOWN (the service
         * keeps retrying).
         */
        @WithDefault("5")
        int unhealthyAfter();
    }
}
