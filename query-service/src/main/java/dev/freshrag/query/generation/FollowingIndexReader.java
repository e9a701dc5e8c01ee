package dev.freshrag.query.generation;

import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexedDocumentPage;
import dev.freshrag.index.Lane;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexReader;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The reader the rest of the service injects (document status, the console, drift, the operator listing): each call
 * reads the generation served at that moment, holding its set for the call. Search and answer do not use it: they take
 * one {@link ServingSet} for the whole request.
 */
public final class FollowingIndexReader implements VectorIndexReader {

    private final ServingGenerations sets;

    public FollowingIndexReader(ServingGenerations sets) {
        this.sets = sets;
    }

    private <T> T read(Function<VectorIndexReader, T> call) {
        try (ServingSet s = sets.acquire()) {
            return call.apply(s.reader());
        }
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        return read(r -> r.search(query));
    }

    @Override
    public List<SearchHit> searchLexical(LexicalQuery query) {
        return read(r -> r.searchLexical(query));
    }

    @Override
    public Optional<DocumentStatus> document(String tenant, String docId) {
        return read(r -> r.document(tenant, docId));
    }

    @Override
    public List<String> chunkIds(String tenant, String docId) {
        return read(r -> r.chunkIds(tenant, docId));
    }

    @Override
    public List<DocumentStatus> documents(String tenant, String docIdPrefix, int limit) {
        return read(r -> r.documents(tenant, docIdPrefix, limit));
    }

    @Override
    public IndexedDocumentPage indexedDocuments(String tenant, String cursor, int limit) {
        return read(r -> r.indexedDocuments(tenant, cursor, limit));
    }

    @Override
    public List<SearchHit> chunks(String tenant, String docId) {
        return read(r -> r.chunks(tenant, docId));
    }

    @Override
    public IndexFingerprint fingerprint() {
        return read(VectorIndexReader::fingerprint);
    }

    @Override
    public SourceOffsets appliedSourceOffsets(Lane lane) {
        return read(r -> r.appliedSourceOffsets(lane));
    }

    @Override
    public DeferredOffsets deferredOffsets() {
        return read(VectorIndexReader::deferredOffsets);
    }

    @Override
    public OptionalInt generationNumber() {
        return read(VectorIndexReader::generationNumber);
    }

    @Override
    public boolean isHealthy() {
        return read(VectorIndexReader::isHealthy);
    }

    /** Closes nothing: the served sets own their readers. */
    @Override
    public void close() {
        // the ServingGenerations holder closes the readers
    }
}
