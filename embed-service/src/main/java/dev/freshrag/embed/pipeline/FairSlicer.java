package dev.freshrag.embed.pipeline;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts one lane's pending records into slices that share the embedder fairly between tenants: each slice takes one record per
 * tenant in turn (round-robin, resuming after the tenant served last) until its budget of chunks to embed is spent.
 * A tenant's flood therefore delays another tenant's edit by at most one slice, not by the flood. Each tenant's records
 * keep their order, and a document belongs to one tenant, so per-document order holds. Records {@linkplain #add added}
 * later join their tenant's queue (a new tenant joins the rotation), so the live lane slices everything received, not
 * one poll batch at a time: a tenant's edit that arrives behind another tenant's flood is in the next slice.
 */
final class FairSlicer {

    private final Map<String, ArrayDeque<DocumentOps>> byTenant = new LinkedHashMap<>();
    private final List<String> tenants = new ArrayList<>();
    private int cursor;
    private int remaining;

    FairSlicer(List<DocumentOps> batch) {
        add(batch);
    }

    FairSlicer() {
    }

    /** Appends records received after the ones already here (each tenant's queue stays in arrival order). */
    void add(List<DocumentOps> records) {
        for (DocumentOps o : records) {
            byTenant.computeIfAbsent(o.tenant(), t -> {
                tenants.add(t);
                return new ArrayDeque<>();
            }).add(o);
        }
        remaining += records.size();
    }

    boolean hasNext() {
        return remaining > 0;
    }

    int remaining() {
        return remaining;
    }

    /** The next slice: at least one record, then more while the chunks to embed stay within {@code budget}. */
    List<DocumentOps> next(int budget) {
        List<DocumentOps> slice = new ArrayList<>();
        int spent = 0;
        int idle = 0; // tenants visited in a row that had nothing left
        while (remaining > 0 && idle < tenants.size()) {
            String tenant = tenants.get(cursor);
            cursor = (cursor + 1) % tenants.size();
            ArrayDeque<DocumentOps> queue = byTenant.get(tenant);
            DocumentOps head = queue.peekFirst();
            if (head == null) {
                idle++;
                continue;
            }
            idle = 0;
            int cost = cost(head);
            if (!slice.isEmpty() && spent + cost > budget) {
                cursor = (cursor + tenants.size() - 1) % tenants.size(); // this tenant starts the next slice
                break;
            }
            slice.add(queue.pollFirst());
            spent += cost;
            remaining--;
            if (queue.isEmpty()) {
                forget(tenant);
            }
        }
        return slice;
    }

    /**
     * Returns a slice that was cut but not embedded to the front of its tenants' queues, in its order (a live slice given
     * up between two model calls because another tenant's work arrived). The rotation then starts with the first
     * tenant that had no record in it, so the tenant that arrived is in the next slice.
     */
    void putBack(List<DocumentOps> slice) {
        java.util.Set<String> owners = new java.util.HashSet<>();
        for (int i = slice.size() - 1; i >= 0; i--) {
            DocumentOps o = slice.get(i);
            owners.add(o.tenant());
            byTenant.computeIfAbsent(o.tenant(), t -> {
                tenants.add(t);
                return new ArrayDeque<>();
            }).addFirst(o);
        }
        remaining += slice.size();
        for (int step = 0; step < tenants.size(); step++) {
            int at = (cursor + step) % tenants.size();
            if (!owners.contains(tenants.get(at))) {
                cursor = at;
                return;
            }
        }
    }

    /** Tenants with records not yet sliced. */
    int tenantsWaiting() {
        return tenants.size();
    }

    /** Whether a tenant other than {@code these} has records not yet sliced. */
    boolean othersWaiting(java.util.Set<String> these) {
        for (String t : tenants) {
            if (!these.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every tenant of {@code these} still has records not yet sliced (a backlog behind its last slice). */
    boolean allWaiting(java.util.Set<String> these) {
        return byTenant.keySet().containsAll(these);
    }

    /**
     * Drops a tenant with nothing left from the rotation (the live pool lives as long as the service: tenants come and
     * go); the rotation goes on with the tenant after it. A tenant whose records arrive later joins at the end.
     */
    private void forget(String tenant) {
        int at = tenants.indexOf(tenant);
        tenants.remove(at);
        byTenant.remove(tenant);
        if (cursor > at) {
            cursor--;
        }
        cursor = tenants.isEmpty() ? 0 : cursor % tenants.size();
    }

    /** What a record costs the model: its chunks to embed (a relabel or delete costs next to nothing, counted 1). */
    static int cost(DocumentOps o) {
        int embeds = 0;
        for (ChunkOp op : o.ops()) {
            if (op.type() == ChunkOp.Type.EMBED) {
                embeds++;
            }
        }
        return Math.max(1, embeds);
    }
}
