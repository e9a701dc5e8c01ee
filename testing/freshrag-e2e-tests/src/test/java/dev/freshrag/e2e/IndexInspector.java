package dev.freshrag.e2e;

import dev.freshrag.events.WriteToken;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads exactly what the index holds, through a second read-only reader of the embed-service's index
 * directory. Documents written by the tests carry their docId in metadata key {@value #DOC_KEY}, so all
 * chunks of one document can be listed with a filtered exact search.
 */
final class IndexInspector implements AutoCloseable {

    static final String DOC_KEY = "doc";
    private static final float[] ANY_VECTOR = new float[384];

    static {
        Arrays.fill(ANY_VECTOR, (float) (1 / Math.sqrt(384)));
    }

    private final LuceneReaderIndex reader;

    IndexInspector(PipelineStack stack) {
        this.reader = stack.openIndexReader();
    }

    /** A document's chunks in document order. */
    List<SearchHit> chunks(String tenant, String docId) {
        reader.refreshNow();
        return reader.search(new SearchQuery(tenant, ANY_VECTOR, 10_000, Map.of(DOC_KEY, docId))).stream()
                .sorted(Comparator.comparingInt(SearchHit::seq))
                .toList();
    }

    /** The docIds of every chunk the tenant has in the index. */
    java.util.Set<String> docIds(String tenant) {
        reader.refreshNow();
        return reader.search(new SearchQuery(tenant, ANY_VECTOR, 10_000, Map.of())).stream().map(SearchHit::docId)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    Optional<DocumentStatus> status(String tenant, String docId) {
        return reader.document(tenant, docId);
    }

    /** How many of the given writes the embed-service has committed to the index so far. */
    int appliedCount(Collection<WriteToken> tokens) {
        reader.refreshNow();
        return (int) tokens.stream().filter(appliedNow()).count();
    }

    /**
     * Whether a write is applied, by the query-service's rule: the live lane passed it and, if the ingest deferred it to
     * the bulk lane, the bulk lane applied it too. The live position alone passes deferred writes before they are in.
     */
    private java.util.function.Predicate<WriteToken> appliedNow() {
        SourceOffsets live = reader.appliedSourceOffsets(Lane.LIVE);
        DeferredOffsets deferred = reader.deferredOffsets(); // after the live position, as the query-service reads them
        SourceOffsets bulk = reader.appliedSourceOffsets(Lane.BULK);
        return t -> live.hasApplied(t.partition(), t.offset())
                && (!deferred.contains(t.partition(), t.offset()) || bulk.hasApplied(t.partition(), t.offset()));
    }

    /** Waits until the embed-service has committed every given write to the index. */
    void awaitApplied(Collection<WriteToken> tokens, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            reader.refreshNow();
            java.util.function.Predicate<WriteToken> applied = appliedNow();
            List<WriteToken> waiting = tokens.stream().filter(applied.negate()).toList();
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(waiting.size() + " of " + tokens.size() + " writes were not applied within " + timeout
                        + ", e.g. " + waiting.get(0) + "; live " + reader.appliedSourceOffsets(Lane.LIVE) + ", bulk "
                        + reader.appliedSourceOffsets(Lane.BULK) + ", deferred " + reader.deferredOffsets());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
