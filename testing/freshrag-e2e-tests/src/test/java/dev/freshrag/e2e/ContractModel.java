package dev.freshrag.e2e;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.Op;
import dev.freshrag.index.SearchHit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The model of newest versions: what the README's event contract says the index holds after a sequence of
 * events, per document in log order. A versioned UPSERT applies above the guard version and sets it; a versioned
 * DELETE applies above it, or at it once; versionless events always apply and leave the guard where it is (an
 * UPSERT is labelled with it; a DELETE of a document never seen records nothing). An UPSERT means chunks whose
 * texts, in order, are exactly its paragraphs; a DELETE means no chunks. Shared by the property-based
 * {@link IndexConvergenceIT} and the fault suite, which both compare the real index with it through an
 * {@link IndexInspector}.
 */
final class ContractModel {

    /**
     * One event of a history. {@code version} is null for a versionless event; {@code serial} names the
     * step (in its title and metadata) so the index shows which UPSERT it holds; {@code gapBefore} pauses first
     * ({@code longGap}: a longer pause, see {@link HistoryGenerator}).
     */
    record Step(int tenantSlot, String docId, Long version, Op op, List<String> paragraphs, int serial, boolean gapBefore,
                boolean longGap) {

        Step(int tenantSlot, String docId, Long version, Op op, List<String> paragraphs, int serial, boolean gapBefore) {
            this(tenantSlot, docId, version, op, paragraphs, serial, gapBefore, false);
        }

        String render() {
            return (longGap ? "(long gap) " : gapBefore ? "(gap) " : "") + "t" + tenantSlot + "/" + docId + " "
                    + (version == null ? "v-" : "v" + version) + " " + op + " #" + serial
                    + (op == Op.UPSERT ? " " + paragraphs.stream().map(p -> p.substring(0, Math.min(12, p.length()))).toList() : "");
        }

        Step withGap(boolean gap) {
            return new Step(tenantSlot, docId, version, op, paragraphs, serial, gap, false);
        }

        Step withLongGap() {
            return new Step(tenantSlot, docId, version, op, paragraphs, serial, true, true);
        }

        /** The event as a content system sends it to kb.doc-changes for that tenant. */
        DocumentChange event(String tenant) {
            Map<String, String> metadata = Map.of(IndexInspector.DOC_KEY, docId, "rev", Integer.toString(serial));
            return new DocumentChange(tenant, docId, version, op, "Title #" + serial, "text/plain",
                    op == Op.UPSERT ? String.join("\n\n", paragraphs) : null, op == Op.UPSERT ? metadata : null, null);
        }
    }

    /** What the contract says one document is after the events so far, in log order. */
    static final class Expected {
        boolean known;
        long version;
        boolean versionDeleted;
        Step live;

        void apply(Step s) {
            if (s.version() != null && known) {
                long v = s.version();
                if (v < version || (v == version && (s.op() == Op.UPSERT || versionDeleted))) {
                    return; // stale
                }
            }
            if (s.op() == Op.DELETE) {
                if (s.version() != null) {
                    known = true;
                    version = s.version();
                    versionDeleted = true;
                }
                live = null;
                return;
            }
            if (s.version() != null) {
                version = s.version();
                versionDeleted = false;
            }
            known = true;
            live = s;
        }
    }

    private record DocKey(String tenant, String docId) {
    }

    private final Map<DocKey, Expected> documents = new LinkedHashMap<>();

    /** Records that the event of {@code step} was written to kb.doc-changes for {@code tenant} (in log order per document). */
    synchronized void apply(String tenant, Step step) {
        documents.computeIfAbsent(new DocKey(tenant, step.docId()), k -> new Expected()).apply(step);
    }

    synchronized int documents() {
        return documents.size();
    }

    /** Documents the model says exist now (the rest were deleted). */
    synchronized long live() {
        return documents.values().stream().filter(x -> x.live != null).count();
    }

    /**
     * What differs between the index and the model, document by document (the first difference found), or empty
     * when the index holds exactly each live document's newest content, labelled with its version, and nothing of a
     * deleted one. Call after every event is applied ({@link IndexInspector#awaitApplied}).
     */
    synchronized Optional<String> mismatch(IndexInspector inspector) {
        for (Map.Entry<DocKey, Expected> e : documents.entrySet()) {
            Optional<String> m = mismatch(inspector, e.getKey().tenant(), e.getKey().docId(), e.getValue());
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> mismatch(IndexInspector inspector, String tenant, String docId, Expected x) {
        List<SearchHit> chunks = inspector.chunks(tenant, docId);
        String where = tenant + "/" + docId;
        if (x.live == null) {
            if (!chunks.isEmpty() || inspector.status(tenant, docId).isPresent()) {
                return Optional.of(where + " should be deleted (guard v" + x.version + ") but the index holds " + chunks.size()
                        + " chunks, labelled " + chunks.stream().map(SearchHit::title).distinct().toList());
            }
            return Optional.empty();
        }
        Step s = x.live;
        for (int i = 0; i < chunks.size(); i++) {
            SearchHit h = chunks.get(i);
            if (h.seq() != i) {
                return Optional.of(where + ": chunk positions are " + chunks.stream().map(SearchHit::seq).toList());
            }
            if (h.version() != x.version || !Integer.toString(s.serial()).equals(h.metadata().get("rev"))
                    || !("Title #" + s.serial()).equals(h.title())) {
                return Optional.of(where + ": chunk " + i + " is labelled v" + h.version() + "/rev " + h.metadata().get("rev")
                        + " but the live content is #" + s.serial() + " at v" + x.version);
            }
        }
        String indexed = chunks.stream().map(SearchHit::text).collect(Collectors.joining("\n\n"));
        String wanted = String.join("\n\n", s.paragraphs());
        if (!indexed.equals(wanted)) {
            return Optional.of(where + ": the index text differs from #" + s.serial() + "\n  expected: " + wanted + "\n  indexed:  " + indexed);
        }
        int statusChunks = inspector.status(tenant, docId).map(d -> d.chunks()).orElse(-1);
        if (statusChunks != chunks.size()) {
            return Optional.of(where + ": document status says " + statusChunks + " chunks, the index holds " + chunks.size());
        }
        return Optional.empty();
    }
}
