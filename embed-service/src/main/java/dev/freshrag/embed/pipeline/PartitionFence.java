package dev.freshrag.embed.pipeline;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The fence between one lane's consumer and the index, across rebalances: no record is written to the index after
 * its partition was given up. With several embed-service replicas a partition moves when one joins or leaves; the
 * replica that gives it up may be in the middle of a batch (a slow embedding, the index retry loop), and the one that
 * gets it replays from the last committed offset at once. Without a fence the first one finishes later and writes
 * old versions over new ones.
 *
 * <p>How: each batch is {@linkplain #admit admitted} with a ticket that remembers each partition's generation. When
 * partitions are {@linkplain #revoked revoked} (the consumer's rebalance callback, before the partitions go to another
 * consumer), the fence waits, bounded, for the batches holding them to finish (their index commit included), so
 * the usual case loses no work. If the wait runs out it abandons them: the generation moves on, every later write of
 * those records is refused ({@link #write}), and it waits (bounded again) for the one index call that may be under way
 * to return. The abandoned records are neither written nor recorded as applied; the new owner applies them. The
 * index's own version conditions ({@code VectorIndexWriter}) cover what no bound can: a call that outlives both waits.
 */
public final class PartitionFence {

    private final Object lock = new Object();
    private final Set<Integer> owned = new HashSet<>();
    private final Map<Integer, Long> generation = new HashMap<>();
    /** Per partition: admitted batches holding records of it, not yet finished. */
    private final Map<Integer, Integer> inFlight = new HashMap<>();
    /** Per partition: index writes under way that carry records of it. */
    private final Map<Integer, Integer> writing = new HashMap<>();
    private volatile boolean disabled;

    /** What a batch was admitted with: the generation of each partition it holds (-1: not owned then). */
    public final class Ticket {
        private final Map<Integer, Long> generations;

        private Ticket(Map<Integer, Long> generations) {
            this.generations = generations;
        }

        /** Whether records of {@code partition} in this batch may still be written. */
        public boolean holds(int partition) {
            synchronized (lock) {
                return holdsLocked(partition);
            }
        }

        private boolean holdsLocked(int partition) {
            if (disabled) {
                return true;
            }
            Long admitted = generations.get(partition);
            return admitted != null && admitted >= 0 && admitted.equals(generation.getOrDefault(partition, 0L));
        }
    }

    public void assigned(Collection<Integer> partitions) {
        synchronized (lock) {
            owned.addAll(partitions);
        }
    }

    /**
     * The partitions go to another consumer. Waits up to {@code wait} for the batches holding them to finish; then
     * abandons what is left and waits up to {@code wait} again for an index call under way to return.
     *
     * @return the partitions whose records were abandoned (empty: every batch finished in time)
     */
    public Set<Integer> revoked(Collection<Integer> partitions, Duration wait) throws InterruptedException {
        synchronized (lock) {
            owned.removeAll(partitions);
            if (!disabled) {
                awaitZero(inFlight, partitions, wait);
            }
            Set<Integer> abandoned = new TreeSet<>();
            for (int p : partitions) {
                if (inFlight.getOrDefault(p, 0) > 0) {
                    abandoned.add(p);
                }
                generation.merge(p, 1L, Long::sum);
            }
            if (!disabled) {
                awaitZero(writing, abandoned, wait);
            }
            return abandoned;
        }
    }

    /** The partitions were lost without a revocation (the consumer was thrown out of the group): abandon at once. */
    public void lost(Collection<Integer> partitions) {
        synchronized (lock) {
            owned.removeAll(partitions);
            partitions.forEach(p -> generation.merge(p, 1L, Long::sum));
        }
    }

    /** A batch with records of {@code partitions} starts; pair with {@link #finished}. */
    public Ticket admit(Collection<Integer> partitions) {
        synchronized (lock) {
            Map<Integer, Long> generations = new HashMap<>();
            for (int p : new HashSet<>(partitions)) {
                generations.put(p, owned.contains(p) ? generation.getOrDefault(p, 0L) : -1L);
                inFlight.merge(p, 1, Integer::sum);
            }
            return new Ticket(generations);
        }
    }

    public void finished(Ticket ticket) {
        synchronized (lock) {
            ticket.generations.keySet().forEach(p -> inFlight.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1));
            lock.notifyAll();
        }
    }

    /**
     * Runs one index write of records of {@code partitions}, unless one of them is no longer held by the ticket: then
     * nothing is written and {@code null} returned. The check and the registration of the write are one step, so a
     * revocation either sees the write under way (and waits for it) or the write sees the revocation (and stays out).
     */
    public <T> T write(Ticket ticket, Collection<Integer> partitions, Supplier<T> write) {
        Map<Ticket, Collection<Integer>> one = new java.util.IdentityHashMap<>();
        one.put(ticket, partitions);
        return write(one, write);
    }

    /**
     * {@link #write(Ticket, Collection, Supplier)} for one write of records of several batches (a slice of the live
     * lane spans the batches received): each ticket must still hold its partitions, all checked in one step.
     */
    public <T> T write(Map<Ticket, ? extends Collection<Integer>> holdings, Supplier<T> write) {
        Set<Integer> partitions = new HashSet<>();
        synchronized (lock) {
            for (Map.Entry<Ticket, ? extends Collection<Integer>> e : holdings.entrySet()) {
                for (int p : e.getValue()) {
                    if (!e.getKey().holdsLocked(p)) {
                        return null;
                    }
                }
                partitions.addAll(e.getValue());
            }
            partitions.forEach(p -> writing.merge(p, 1, Integer::sum));
        }
        try {
            return write.get();
        } finally {
            synchronized (lock) {
                partitions.forEach(p -> writing.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1));
                lock.notifyAll();
            }
        }
    }

    /**
     * Switches the fence off (a revocation neither waits nor abandons): only for the test that shows what the fence
     * prevents. The index's own version conditions are not affected.
     */
    void disableForTest() {
        disabled = true;
    }

    private void awaitZero(Map<Integer, Integer> counts, Collection<Integer> partitions, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (partitions.stream().anyMatch(p -> counts.getOrDefault(p, 0) > 0)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            lock.wait(Math.max(1, left / 1_000_000));
        }
    }
}
