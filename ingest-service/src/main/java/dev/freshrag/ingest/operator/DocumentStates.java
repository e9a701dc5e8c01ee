package dev.freshrag.ingest.operator;

import dev.freshrag.events.DocumentKey;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.ingest.pipeline.DocumentState;
import dev.freshrag.ingest.pipeline.TopologyProducer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import dev.freshrag.ingest.config.IngestConfig;
import dev.freshrag.ingest.health.StreamsReadiness;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive query over the document-state store: what the pipeline says should be indexed. It reads the partitions
 * of <em>this</em> instance only: {@link InstanceFanOut} asks the other instances for theirs. {@link #list} is the
 * answer of an instance that announces no address ({@code application.server} unset): it refuses unless this instance
 * holds every partition.
 */
@ApplicationScoped
public class DocumentStates {

    private final KafkaStreams streams;
    private final String docChanges;
    private final String bootstrap;

    public DocumentStates(KafkaStreams streams, IngestConfig config,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.streams = streams;
        this.docChanges = config.topics().docChanges();
        this.bootstrap = bootstrap;
    }

    /**
     * Every document of {@code tenant} (all tenants when null), in key order per partition. Refused (409) unless this
     * instance holds every partition: an answer for a part of the documents would let verify pass on a part.
     */
    public List<ExpectedDocument> list(String tenant) {
        int held = StreamsReadiness.assignedPartitions(streams, docChanges);
        int total = partitionCount();
        if (held < total) {
            throw new ProblemException(Problem.of(409, "Conflict", "this ingest-service instance holds " + held + " of the "
                    + total + " partitions of " + docChanges + "; verify needs one instance holding all of them (run it "
                    + "while a single ingest-service replica runs, or set quarkus.kafka-streams.application-server on every "
                    + "instance so that they answer together)"));
        }
        return listLocal(tenant);
    }

    /** The documents of {@code tenant} (all tenants when null) in this instance's partitions, whichever they are. */
    public List<ExpectedDocument> listLocal(String tenant) {
        List<ExpectedDocument> out = new ArrayList<>();
        ReadOnlyKeyValueStore<String, DocumentState> store = store();
        // keys are tenant/docId: a tenant's documents are the key range [tenant/, tenant0) ('0' follows '/')
        try (KeyValueIterator<String, DocumentState> all = tenant == null ? store.all() : store.range(tenant + "/", tenant + "0")) {
            while (all.hasNext()) {
                KeyValue<String, DocumentState> kv = all.next();
                Optional<DocumentKey> key = DocumentKey.parse(kv.key);
                if (key.isEmpty() || (tenant != null && !tenant.equals(key.get().tenant()))) {
                    continue;
                }
                out.add(expected(key.get(), kv.value));
            }
        }
        return out;
    }

    /** The state of one document, empty when the pipeline never accepted it. */
    public Optional<ExpectedDocument> get(DocumentKey key) {
        DocumentState state = store().get(key.toString());
        return Optional.ofNullable(state).map(s -> expected(key, s));
    }

    int partitionCount() {
        // the call is bounded by the get below (the client's own default.api.timeout.ms may not be below its 30 s request timeout)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeTopics(List.of(docChanges)).allTopicNames().get(15, TimeUnit.SECONDS).get(docChanges)
                    .partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ProblemException(Problem.of(503, "Service Unavailable", "the partitions of " + docChanges
                    + " could not be read: " + e.getMessage()), Map.of("Retry-After", "5"));
        }
    }

    private static ExpectedDocument expected(DocumentKey key, DocumentState s) {
        return new ExpectedDocument(key.tenant(), key.docId(), s.version(), s.deleted(),
                s.deleted() ? List.of() : s.chunks().stream().map(DocumentState.ChunkRef::id).toList());
    }

    private ReadOnlyKeyValueStore<String, DocumentState> store() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(TopologyProducer.DOCUMENT_STATE_STORE,
                    QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            // starting, restoring or rebalancing: a 503 the caller retries, never a partial answer
            throw new ProblemException(Problem.of(503, "Service Unavailable", "the document state cannot be read now ("
                    + e.getMessage() + "): the ingest-service is starting or rebalancing; try again shortly"),
                    Map.of("Retry-After", "5"));
        }
    }
}
