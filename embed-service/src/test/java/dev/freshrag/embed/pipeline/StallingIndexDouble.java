package dev.freshrag.embed.pipeline;

import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.VectorIndexWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real index whose first upsert of one chosen chunk stalls until the test releases it. It stands for an index call
 * that takes arbitrarily long (the Qdrant retry loop through an outage, a network partition, a replica paused by GC),
 * which cannot be produced on demand here. The stall happens after the applier checked the document's mark, so only
 * the index's own version conditions can keep the late write from overwriting newer state. Everything else is the
 * real index it wraps.
 */
final class StallingIndexDouble extends ForwardingIndexWriter {

    private final String stallOnChunkId;
    private final CountDownLatch stalled;
    private final CountDownLatch release;
    private final AtomicBoolean armed = new AtomicBoolean(true);

    StallingIndexDouble(VectorIndexWriter real, String stallOnChunkId, CountDownLatch stalled, CountDownLatch release) {
        super(real);
        this.stallOnChunkId = stallOnChunkId;
        this.stalled = stalled;
        this.release = release;
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        if (points.stream().anyMatch(p -> p.chunkId().equals(stallOnChunkId)) && armed.compareAndSet(true, false)) {
            stalled.countDown();
            try {
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the stalled index call");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        real.upsert(points);
    }
}
