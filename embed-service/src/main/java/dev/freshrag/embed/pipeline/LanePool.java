package dev.freshrag.embed.pipeline;

import dev.freshrag.events.DocumentOps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The records of every batch of a lane received and not finished, in one pool that the lane's embed worker slices
 * round-robin by tenant ({@link FairSlicer}): a tenant's record that arrives while another tenant's flood is pending
 * is in the next slice, not behind every batch received before it. Batches are {@linkplain #register registered} in
 * delivery order (each tenant's records stay FIFO, each partition's in offset order); a batch is finished once each
 * of its records is {@linkplain #handled handled} (durable, dead-lettered, or abandoned with its revoked partition),
 * and only then acknowledged by its owner. The pool is bounded: registering waits while {@code capacity} records are
 * pending, so the consumer stops taking batches and the connector pauses the partitions.
 *
 * @param <B> what the consumer keeps of a batch (the Kafka batch to acknowledge, its fence ticket)
 */
final class LanePool<B> {

    /** A registered batch: its records' count left unhandled, and where each record came from. */
    static final class Batch<B> {
        final B owner;
        final Instant received;
        private int left;

        Batch(B owner, Instant received, int records) {
            this.owner = owner;
            this.received = received;
            this.left = records;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int capacity;
    private final FairSlicer slicer = new FairSlicer();
    private final LaneProgress progress = new LaneProgress();
    private final Map<DocumentOps, Batch<B>> batchOf = new IdentityHashMap<>();
    private final LinkedHashSet<Batch<B>> batches = new LinkedHashSet<>();
    private int pending;

    LanePool(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Per-partition positions across all pending records (never past one not yet applied). */
    LaneProgress progress() {
        return progress;
    }

    /**
     * Adds a batch's records, waiting while the pool is full (a batch is always taken into an empty pool, however
     * large). The records must be non-empty.
     */
    Batch<B> register(B owner, List<DocumentOps> records, Instant received) throws InterruptedException {
        lock.lock();
        try {
            while (pending > 0 && pending + records.size() > capacity) {
                changed.await();
            }
            Batch<B> batch = new Batch<>(owner, received, records.size());
            for (DocumentOps o : records) {
                batchOf.put(o, batch);
            }
            batches.add(batch);
            progress.add(records);
            slicer.add(records);
            pending += records.size();
            changed.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeoutMillis} for records not yet sliced; whether there are. */
    boolean awaitWork(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (!slicer.hasNext() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return slicer.hasNext();
        } finally {
            lock.unlock();
        }
    }

    /** The next slice of what is pending (empty when nothing is), within {@code budget} chunks to embed. */
    List<DocumentOps> next(int budget) {
        lock.lock();
        try {
            return slicer.hasNext() ? slicer.next(budget) : List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Gives a slice back to be cut again ({@link FairSlicer#putBack}): its records stay pending, unhandled. */
    void putBack(List<DocumentOps> slice) {
        lock.lock();
        try {
            slicer.putBack(slice);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Tenants with records not yet sliced. */
    int tenantsWaiting() {
        lock.lock();
        try {
            return slicer.tenantsWaiting();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a tenant other than {@code these} has records not yet sliced. */
    boolean othersWaiting(java.util.Set<String> these) {
        lock.lock();
        try {
            return slicer.othersWaiting(these);
        } finally {
            lock.unlock();
        }
    }

    /** Whether every tenant of {@code these} still has records not yet sliced. */
    boolean allWaiting(java.util.Set<String> these) {
        lock.lock();
        try {
            return slicer.allWaiting(these);
        } finally {
            lock.unlock();
        }
    }

    /** The batch a pending record belongs to. */
    Batch<B> batchOf(DocumentOps record) {
        lock.lock();
        try {
            return batchOf.get(record);
        } finally {
            lock.unlock();
        }
    }

    /** The records are handled; answers the batches this finished, in registration order. */
    List<Batch<B>> handled(List<DocumentOps> records) {
        lock.lock();
        try {
            for (DocumentOps o : records) {
                Batch<B> b = batchOf.remove(o);
                if (b != null) {
                    b.left--;
                    pending--;
                }
            }
            List<Batch<B>> finished = new ArrayList<>();
            for (Batch<B> b : batches) {
                if (b.left == 0) {
                    finished.add(b);
                }
            }
            finished.forEach(batches::remove);
            changed.signalAll();
            return finished;
        } finally {
            lock.unlock();
        }
    }

    /** Takes every unfinished batch out of the pool (the lane failed: they are not acknowledged). */
    List<Batch<B>> drain() {
        lock.lock();
        try {
            List<Batch<B>> all = new ArrayList<>(batches);
            batches.clear();
            batchOf.clear();
            pending = 0;
            while (slicer.hasNext()) {
                slicer.next(Integer.MAX_VALUE);
            }
            changed.signalAll();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** Records received and not yet handled. */
    int pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }
}
