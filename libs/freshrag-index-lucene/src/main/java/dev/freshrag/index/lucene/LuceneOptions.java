package dev.freshrag.index.lucene;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link LuceneVectorIndex}, as the services configure it ({@code freshrag.index.lucene.*}).
 *
 * @param hnswMaxConn     HNSW graph degree ("M"), 2..512; Lucene's default is 16. Used by the writer only.
 * @param hnswBeamWidth   HNSW construction beam width, 1..3200; Lucene's default is 100. Used by the writer only.
 * @param refreshInterval how often a reader polls the directory for a new commit when no query asks (and, before
 *                        the writer has created the index, for its first commit); 100 ms by default. A read also
 *                        looks for a new commit first, so a query sees every commit made before it arrived
 *                        whatever this is; the poll only keeps an idle reader from falling far behind, at a
 *                        fifth of the wake-ups of the 20 ms poll it replaced. Used by readers only.
 * @param ramBufferSizeMb writer RAM buffer before a segment is flushed; Lucene's default is 16 MB.
 */
public record LuceneOptions(int hnswMaxConn, int hnswBeamWidth, Duration refreshInterval, double ramBufferSizeMb) {

    public static final int DEFAULT_HNSW_MAX_CONN = 16;
    public static final int DEFAULT_HNSW_BEAM_WIDTH = 100;
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMillis(100);
    public static final double DEFAULT_RAM_BUFFER_SIZE_MB = 16.0;

    public LuceneOptions {
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (hnswMaxConn < 2 || hnswMaxConn > 512) {
            throw new IllegalArgumentException("hnswMaxConn must be in 2..512, was " + hnswMaxConn);
        }
        if (hnswBeamWidth < 1 || hnswBeamWidth > 3200) {
            throw new IllegalArgumentException("hnswBeamWidth must be in 1..3200, was " + hnswBeamWidth);
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
        }
        if (!(ramBufferSizeMb > 0)) {
            throw new IllegalArgumentException("ramBufferSizeMb must be positive, was " + ramBufferSizeMb);
        }
    }

    public static LuceneOptions defaults() {
        return new LuceneOptions(DEFAULT_HNSW_MAX_CONN, DEFAULT_HNSW_BEAM_WIDTH, DEFAULT_REFRESH_INTERVAL,
                DEFAULT_RAM_BUFFER_SIZE_MB);
    }

    public LuceneOptions withHnsw(int maxConn, int beamWidth) {
        return new LuceneOptions(maxConn, beamWidth, refreshInterval, ramBufferSizeMb);
    }

    public LuceneOptions withRefreshInterval(Duration interval) {
        return new LuceneOptions(hnswMaxConn, hnswBeamWidth, interval, ramBufferSizeMb);
    }
}
