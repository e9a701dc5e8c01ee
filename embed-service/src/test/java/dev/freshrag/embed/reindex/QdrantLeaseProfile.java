package dev.freshrag.embed.reindex;

import java.util.Set;

/** {@link QdrantIndexProfile} with the backfill lease in the test's hands ({@link SwitchableBackfillLease}). */
public class QdrantLeaseProfile extends QdrantIndexProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(SwitchableBackfillLease.class);
    }
}
