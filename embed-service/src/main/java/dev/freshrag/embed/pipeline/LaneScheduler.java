package dev.freshrag.embed.pipeline;

import dev.freshrag.index.Lane;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Who embeds next. The model is the cost of the pipeline and both lanes share it, so one slice embeds at a time, and
 * the live lane always goes first: a bulk slice starts only while the live lane holds no batch (none received and
 * unfinished). So a live edit waits for at most the one bulk slice in progress when it arrived, and a bulk load alone
 * gets every turn (full speed). While the bulk worker waits here it stops taking batches, so the connector's buffer
 * fills and it pauses the bulk partitions until the live lane is idle.
 */
final class LaneScheduler {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LongSupplier nanoClock;
    /** Live batches received and not finished. */
    private int liveBatches;
    private boolean turnTaken;
    private volatile long liveSeenAt = Long.MIN_VALUE;

    LaneScheduler() {
        this(System::nanoTime);
    }

    LaneScheduler(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** The live lane received a batch: bulk slices wait from now until {@link #liveBatchFinished}. */
    void liveBatchStarted() {
        lock.lock();
        try {
            liveBatches++;
            liveSeenAt = nanoClock.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    void liveBatchFinished() {
        lock.lock();
        try {
            liveBatches--;
            liveSeenAt = nanoClock.getAsLong();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether live work is pending or in flight. */
    boolean liveWaiting() {
        lock.lock();
        try {
            return liveBatches > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the live lane had work within {@code quietNanos}: bulk slices stay small while it does. */
    boolean liveRecentlyActive(long quietNanos) {
        long seen = liveSeenAt;
        return seen != Long.MIN_VALUE && (liveWaiting() || nanoClock.getAsLong() - seen < quietNanos);
    }

    /**
     * Takes the turn to embed a slice of {@code lane}: waits while another slice embeds, and for the bulk lane also
     * while live work is pending or in flight.
     */
    void acquire(Lane lane) throws InterruptedException {
        lock.lock();
        try {
            while (turnTaken || (lane == Lane.BULK && liveBatches > 0)) {
                changed.await();
            }
            turnTaken = true;
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            turnTaken = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** This scheduler's turn for {@code lane}, as {@link ModelCalls} gives it back and takes it again between calls. */
    ModelCalls.Turn turn(Lane lane) {
        return new ModelCalls.Turn() {
            @Override
            public void release() {
                LaneScheduler.this.release();
            }

            @Override
            public void acquire() throws InterruptedException {
                LaneScheduler.this.acquire(lane);
            }
        };
    }
}
