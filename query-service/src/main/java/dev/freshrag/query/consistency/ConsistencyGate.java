package dev.freshrag.query.consistency;

import dev.freshrag.events.Violation;
import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.ReadToken;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.Lane;
import java.util.Map;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexHandle;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-your-writes: waits until the index has applied the kb.doc-changes offsets that write tokens
 * name, each in its lane (a live {@link WriteToken} or a {@link BulkWriteToken} of {@code documents:bulk}). The embed-service records, with every index commit, the next unapplied offset per partition;
 * a token (partition p, offset o) is reflected once that value for p exceeds o. A live token whose own event the ingest
 * deferred to the bulk lane waits for the bulk lane too ({@link DeferredOffsets}): see {@link #liveCovered}.
 */
@ApplicationScoped
public class ConsistencyGate {

    /**
     * The first re-check waits 5 ms (a Lucene commit is usually visible within 20 ms), each next one twice as long, up
     * to 200 ms: a request waiting for a slow write then costs at most five reads a second of the index (with Qdrant,
     * a majority read of the offset points), not two hundred, while a fast write is still seen within milliseconds.
     */
    static final long FIRST_BACKOFF_MS = 5;
    static final long MAX_BACKOFF_MS = 200;

    private final VectorIndexHandle index;

    public ConsistencyGate(VectorIndexHandle index) {
        this.index = index;
    }

    /** Parses tokens, refusing malformed ones and tokens of another tenant (400). */
    public static List<ReadToken> parse(String tenant, List<String> tokens, int max) {
        if (tokens == null || tokens.isEmpty()) {
            return List.of();
        }
        if (tokens.size() > max) {
            throw new InvalidEventException("consistentWith", "holds " + tokens.size() + " tokens, above the limit of " + max);
        }
        List<ReadToken> parsed = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            var t = ReadToken.parse(tokens.get(i));
            if (t.isEmpty() || !t.get().tenant().equals(tenant)) {
                violations.add(new Violation("consistentWith[" + i + "]", "is not a write token of tenant " + tenant));
            } else {
                parsed.add(t.get());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        return parsed;
    }

    /** Each token against its own lane's recorded positions (each lane is applied in offset order per partition). */
    public boolean isReflected(List<ReadToken> tokens) {
        return isReflected(index, tokens);
    }

    /**
     * {@link #isReflected(List)} against the positions of {@code index}: the generation a request searches, whose
     * positions are its own (each generation records what it applied).
     */
    public static boolean isReflected(VectorIndexHandle index, List<ReadToken> tokens) {
        SourceOffsets live = null;
        DeferredOffsets deferred = null;
        SourceOffsets bulk = null;
        for (ReadToken t : tokens) {
            if (t instanceof WriteToken w) {
                live = live == null ? index.appliedSourceOffsets(Lane.LIVE) : live;
                if (!live.hasApplied(w.partition(), w.offset())) {
                    return false;
                }
                // read after the live position: the embed-service records the deferred marks before the live position
                // that passes them, so this read sees every mark below that position; and a mark is dropped only once
                // the bulk lane passed it, so a bulk position read after this one has passed every dropped mark
                deferred = deferred == null ? index.deferredOffsets() : deferred;
                if (deferred.contains(w.partition(), w.offset())) {
                    bulk = bulk == null ? index.appliedSourceOffsets(Lane.BULK) : bulk;
                }
                if (!liveCovered(w.partition(), w.offset(), live, deferred, bulk)) {
                    return false;
                }
            } else if (t instanceof BulkWriteToken b) {
                bulk = bulk == null ? index.appliedSourceOffsets(Lane.BULK) : bulk;
                for (Map.Entry<Integer, Long> e : b.highestOffsets().entrySet()) {
                    if (!bulk.hasApplied(e.getKey(), e.getValue())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Whether a live token (p, o) is covered: the live lane passed o, and, if the live lane passed o itself as deferred
     * (the ingest put it behind live work), the bulk lane applied it. Exact for the token's own event: a live edit's
     * token never waits for the bulk load or the huge document that happen to lie below it on its partition. Earlier
     * events of the same document were deferred too if one of them was (the ingest keeps a document's events in order
     * across lanes), so the event the token names is applied at the version it wrote or a newer one. A reader that
     * needs several writes passes each write's token.
     */
    static boolean liveCovered(int partition, long offset, SourceOffsets live, DeferredOffsets deferred, SourceOffsets bulk) {
        if (!live.hasApplied(partition, offset)) {
            return false;
        }
        return !deferred.contains(partition, offset) || bulk.hasApplied(partition, offset);
    }

    /** Blocks until every token is reflected or the wait runs out; answers whether they are. */
    public boolean await(List<ReadToken> tokens, Duration wait) {
        return await(index, tokens, wait);
    }

    /** {@link #await(List, Duration)} against the positions of the generation {@code index} reads. */
    public static boolean await(VectorIndexHandle index, List<ReadToken> tokens, Duration wait) {
        if (tokens.isEmpty()) {
            return true;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        long backoffMs = FIRST_BACKOFF_MS;
        while (!isReflected(index, tokens)) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.min(backoffMs, leftMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        return true;
    }
}
