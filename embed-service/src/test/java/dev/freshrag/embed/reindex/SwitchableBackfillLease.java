package dev.freshrag.embed.reindex;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the consumer group's assignment of kb.chunk-ops partition 0, which the group decides and a test
 * cannot: the test says whether this replica holds the backfill lease, and the change is told as a rebalance would
 * tell it. Enabled only by {@link QdrantLeaseProfile}.
 */
@Alternative
@ApplicationScoped
public class SwitchableBackfillLease implements BackfillLease {

    private volatile boolean held;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public boolean held() {
        return held;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public String holder() {
        return "another replica (the test's lease)";
    }

    /** Gives the lease to this replica or takes it away, and tells the listeners as a rebalance does. */
    public void set(boolean nowHeld) {
        held = nowHeld;
        listeners.forEach(Runnable::run);
    }
}
