package dev.freshrag.ingest.operator;

import dev.freshrag.events.DocumentKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The operator endpoints over every ingest-service instance (the interactive-query pattern of Kafka Streams): this
 * instance answers for its own partitions and asks each other instance for its partitions with {@code ?scope=local},
 * in parallel, then merges. A listing is kept only when the assignment was the same before and after it was
 * gathered (else 503: a partition moved while the instances were asked). Without an announced address
 * ({@code application.server} unset) only one instance can answer: the local behaviour of {@link DocumentStates}.
 */
@ApplicationScoped
public class InstanceFanOut {

    private final StateInstances instances;
    private final DocumentStates states;
    private final RepairDriver repair;
    private final PeerStates peers;

    public InstanceFanOut(StateInstances instances, DocumentStates states, RepairDriver repair, PeerStates peers) {
        this.instances = instances;
        this.states = states;
        this.repair = repair;
        this.peers = peers;
    }

    /** Every document of {@code tenant} (all tenants when null) over all instances, in key order per instance. */
    public List<ExpectedDocument> list(String tenant, String authorization) {
        if (instances.self().isEmpty()) {
            return states.list(tenant);
        }
        HostInfo self = instances.self().get();
        int partitions = states.partitionCount();
        StateInstances.Assignment before = instances.assignment(partitions);
        Map<HostInfo, CompletableFuture<List<ExpectedDocument>>> remote = new LinkedHashMap<>();
        for (HostInfo host : before.partitionsByHost().keySet()) {
            if (!host.equals(self)) {
                remote.put(host, peers.list(host, tenant, authorization));
            }
        }
        List<ExpectedDocument> out = new ArrayList<>();
        if (before.partitionsByHost().containsKey(self)) {
            out.addAll(states.listLocal(tenant));
        }
        remote.values().forEach(f -> out.addAll(join(f)));
        if (!StateInstances.same(before, instances.assignment(partitions))) {
            throw StateInstances.rebalancing("the assignment changed while the instances were asked");
        }
        return out;
    }

    /** Re-drives {@code keys}, each by the instance holding its state. */
    public RepairDriver.Result repair(List<DocumentKey> keys, String authorization) {
        if (instances.self().isEmpty()) {
            return repair.repair(keys);
        }
        HostInfo self = instances.self().get();
        Map<HostInfo, List<DocumentKey>> byOwner = new LinkedHashMap<>();
        for (DocumentKey key : keys) {
            byOwner.computeIfAbsent(instances.ownerOf(key), h -> new ArrayList<>()).add(key);
        }
        Map<HostInfo, CompletableFuture<RepairDriver.Result>> remote = new LinkedHashMap<>();
        byOwner.forEach((host, owned) -> {
            if (!host.equals(self)) {
                remote.put(host, peers.repair(host, owned.stream()
                        .map(k -> new DocumentStateResource.DocumentRef(k.tenant(), k.docId())).toList(), authorization));
            }
        });
        int redriven = 0;
        List<String> notFound = new ArrayList<>();
        if (byOwner.containsKey(self)) {
            RepairDriver.Result local = repair.repair(byOwner.get(self));
            redriven += local.redriven();
            notFound.addAll(local.notFound());
        }
        for (CompletableFuture<RepairDriver.Result> f : remote.values()) {
            RepairDriver.Result r = join(f);
            redriven += r.redriven();
            notFound.addAll(r.notFound());
        }
        return new RepairDriver.Result(redriven, notFound);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
