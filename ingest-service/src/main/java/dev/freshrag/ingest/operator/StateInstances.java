package dev.freshrag.ingest.operator;

import dev.freshrag.events.DocumentKey;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.ingest.config.IngestConfig;
import dev.freshrag.ingest.pipeline.TopologyProducer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which ingest-service instance holds which documents' state: the Kafka Streams interactive-query metadata. Every
 * instance announces its API address in {@code application.server} ({@code quarkus.kafka-streams.application-server},
 * in Kubernetes the pod IP and the API port), and the group's assignment tells every instance which partitions each
 * one holds. While a rebalance is under way that picture is not settled, and nothing is answered (503, Retry-After):
 * an answer built over a moving assignment could miss or double a partition, and verify would pass on a part.
 */
@ApplicationScoped
public class StateInstances {

    /** The partitions of kb.doc-changes each instance holds, by instance; a settled, complete picture. */
    public record Assignment(Map<HostInfo, Set<Integer>> partitionsByHost) {
    }

    static final String RETRY_AFTER_SECONDS = "5";

    private final KafkaStreams streams;
    private final String docChanges;
    private final Optional<HostInfo> self;

    public StateInstances(KafkaStreams streams, IngestConfig config,
                          @ConfigProperty(name = "quarkus.kafka-streams.application-server") Optional<String> applicationServer) {
        this.streams = streams;
        this.docChanges = config.topics().docChanges();
        this.self = applicationServer.filter(s -> !s.isBlank()).map(HostInfo::buildFromEndpoint);
    }

    /** This instance's announced address; empty when none is configured (then only local answers are possible). */
    public Optional<HostInfo> self() {
        return self;
    }

    /** The current assignment of every partition of kb.doc-changes to the instances; 503 while it is not settled. */
    public Assignment assignment(int partitionCount) {
        requireRunning();
        Collection<StreamsMetadata> metadata = streams.streamsMetadataForStore(TopologyProducer.DOCUMENT_STATE_STORE);
        return settled(metadata, docChanges, partitionCount).orElseThrow(() -> rebalancing(
                "the partitions of " + docChanges + " are not all assigned to a running instance"));
    }

    /** The instance whose active task holds {@code key}'s state; 503 while that is not known. */
    public HostInfo ownerOf(DocumentKey key) {
        requireRunning();
        KeyQueryMetadata m = streams.queryMetadataForKey(TopologyProducer.DOCUMENT_STATE_STORE, key.toString(),
                Serdes.String().serializer());
        if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m) || m.activeHost() == null
                || m.activeHost().equals(HostInfo.unavailable())) {
            throw rebalancing("the instance holding " + key + " is not known");
        }
        return m.activeHost();
    }

    /** Fails with 503 unless this instance runs with a settled assignment. */
    public void requireRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw rebalancing("this ingest-service instance is " + state);
        }
    }

    /**
     * The assignment {@code metadata} describes when it covers every partition of {@code topic} exactly once; empty
     * when a partition is unassigned or held twice (both happen only between a rebalance's start and its end).
     */
    static Optional<Assignment> settled(Collection<StreamsMetadata> metadata, String topic, int partitionCount) {
        Map<HostInfo, Set<Integer>> byHost = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        Set<Integer> seen = new HashSet<>();
        for (StreamsMetadata m : metadata) {
            Set<Integer> held = new TreeSet<>();
            for (TopicPartition tp : m.topicPartitions()) {
                if (tp.topic().equals(topic)) {
                    if (!seen.add(tp.partition())) {
                        return Optional.empty();
                    }
                    held.add(tp.partition());
                }
            }
            if (!held.isEmpty()) {
                byHost.put(m.hostInfo(), held);
            }
        }
        if (seen.size() != partitionCount || byHost.keySet().stream().anyMatch(h -> h.equals(HostInfo.unavailable()))) {
            return Optional.empty();
        }
        return Optional.of(new Assignment(byHost));
    }

    static ProblemException rebalancing(String why) {
        return new ProblemException(Problem.of(503, "Service Unavailable", why + ": a rebalance of the ingest-service "
                + "instances is under way; try again shortly"), Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    /** Whether two assignments are the same (the instances and their partitions). */
    static boolean same(Assignment a, Assignment b) {
        return a.partitionsByHost().equals(b.partitionsByHost());
    }
}
