package dev.freshrag.e2e;

import dev.freshrag.e2e.ContractModel.Step;
import dev.freshrag.events.WriteToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A content system writing to kb.doc-changes without pause while a fault happens: random events from a
 * {@link HistoryGenerator} (versioned and versionless UPSERTs and DELETEs, duplicates, late older versions) over a
 * few documents of one tenant, one every {@code pause}, each sent and acknowledged (acks=all) before the next, so
 * that the {@link ContractModel} sees them in log order. Sending blocks while the broker is down and goes on when
 * it is back (the producer retries within its delivery timeout); a send that fails for good stops the stream and
 * fails {@link #stop()}.
 */
final class ChangeStream implements AutoCloseable {

    private final PipelineStack stack;
    private final String tenant;
    private final HistoryGenerator generator;
    private final Duration pause;
    private final ContractModel model = new ContractModel();
    private final List<WriteToken> tokens = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    ChangeStream(PipelineStack stack, String tenant, long seed, Duration pause) {
        this.stack = stack;
        this.tenant = tenant;
        this.generator = new HistoryGenerator(new Random(seed), 1, 0, "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7");
        this.pause = pause;
        this.thread = new Thread(this::run, "change-stream-" + tenant);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                Step step = generator.next();
                WriteToken token = stack.produce(step.event(tenant));
                synchronized (this) {
                    tokens.add(token);
                    model.apply(tenant, step);
                }
                Thread.sleep(pause.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    String tenant() {
        return tenant;
    }

    /** Events written and acknowledged so far. */
    synchronized int produced() {
        return tokens.size();
    }

    /** Waits until {@code n} more events than now were written (so the fault happens mid-stream, or the stream goes on after it). */
    void awaitMore(int n, Duration timeout) {
        int target = produced() + n;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (produced() < target) {
            if (failure.get() != null) {
                throw new AssertionError("the change stream failed", failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the change stream wrote only " + produced() + " of " + target + " events within " + timeout);
            }
            sleep(20);
        }
    }

    /** Stops writing; fails if a write failed. */
    void stop() {
        running = false;
        try {
            thread.join(Duration.ofMinutes(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("the change stream did not stop within 3 minutes");
        }
        if (failure.get() != null) {
            throw new AssertionError("the change stream failed", failure.get());
        }
    }

    /** The write tokens of every event, for {@link IndexInspector#awaitApplied}. Call after {@link #stop()}. */
    synchronized List<WriteToken> tokens() {
        return List.copyOf(tokens);
    }

    /** What the index must hold for this stream's tenant. Call after {@link #stop()}. */
    ContractModel model() {
        return model;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
