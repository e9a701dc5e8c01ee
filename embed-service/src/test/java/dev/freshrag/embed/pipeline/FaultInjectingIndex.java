package dev.freshrag.embed.pipeline;

import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real index whose next {@code failures} commits fail as an unreachable store would. It stands in for an
 * outage (Qdrant down, a full disk), which cannot be produced on demand here; everything else is the real
 * index it wraps.
 */
final class FaultInjectingIndex extends ForwardingIndexWriter {

    private final AtomicInteger failures;
    final AtomicInteger commitAttempts = new AtomicInteger();

    FaultInjectingIndex(VectorIndexWriter real, int failures) {
        super(real);
        this.failures = new AtomicInteger(failures);
    }

    @Override
    public void commit(Lane lane, SourceOffsets applied) {
        commitAttempts.incrementAndGet();
        if (failures.getAndDecrement() > 0) {
            throw new IndexUnavailableException("injected outage", null);
        }
        real.commit(lane, applied);
    }

    @Override
    public void commitDeferred(dev.freshrag.index.DeferredOffsets passed) {
        commitAttempts.incrementAndGet();
        if (failures.getAndDecrement() > 0) {
            throw new IndexUnavailableException("injected outage", null);
        }
        real.commitDeferred(passed);
    }
}
