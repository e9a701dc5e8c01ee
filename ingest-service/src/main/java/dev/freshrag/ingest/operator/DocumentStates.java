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
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive query over the document-state store: what the pipeline says should be indexed. It reads the partitions
 * of <em>this</em> instance only; with one ingest replica (the local stack, the default deployment) that is all of
 * them. With several ingest replicas each answers for its own partitions only (verify then needs one call per
 * replica; not built, see README "Scale-out").
 */
@ApplicationScoped
public class DocumentStates {

    private final KafkaStreams streams;

    public DocumentStates(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Every document of {@code tenant} (all tenants when null), in key order per partition. */
    public List<ExpectedDocument> list(String tenant) {
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
