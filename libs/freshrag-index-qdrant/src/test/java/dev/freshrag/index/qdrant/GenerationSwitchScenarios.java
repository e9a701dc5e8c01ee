package dev.freshrag.index.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import dev.freshrag.index.generation.GenerationState;
import io.qdrant.client.QdrantClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Index generations on Qdrant: a collection per generation, filled beside the active one, and the alias moved from one
 * to the other in one request. A subclass supplies the server: {@link GenerationSwitchTest} the
 * {@link InProcessQdrantProtocolDouble} (which applies alias actions as Qdrant's storage code does, and is not Qdrant),
 * {@link QdrantGenerationSwitchTest} a real Qdrant where Docker exists.
 */
abstract class GenerationSwitchScenarios {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    static final Generation G1 = new Generation(1, "model-a", 4, 256, GenerationState.ACTIVE, T0);
    static final Generation G2 = new Generation(2, "model-b", 3, 256, GenerationState.BUILDING, T0);

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A new client of this test's server. */
    protected abstract QdrantClient newClient();

    /** Options with an alias and collection prefix of this test alone. */
    protected abstract QdrantOptions options();

    /** After everything is closed: a subclass stops its server. */
    protected void afterClients() {
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        afterClients();
    }

    /** The index through the alias, as the services open it today. */
    protected QdrantVectorIndex throughAlias(IndexFingerprint fingerprint) {
        return keep(QdrantVectorIndex.open(newClient(), options(), fingerprint));
    }

    protected QdrantVectorIndex generation(Generation generation) {
        return keep(QdrantVectorIndex.openGeneration(newClient(), options(), generation));
    }

    protected QdrantGenerations generations() {
        return keep(QdrantGenerations.open(newClient(), options()));
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void aBuildingGenerationIsFilledBesideTheActiveOneAndTheSwitchMovesTheAlias() {
        QdrantVectorIndex live = throughAlias(G1.fingerprint());
        QdrantGenerations generations = generations();
        assertThat(generations.aliasTarget()).contains(live.collection()).contains(generations.collection(G1));
        live.upsert(List.of(point("old-doc", 1, new float[] {1, 0, 0, 0})));
        live.commit(Lane.LIVE, SourceOffsets.applied(0, 7));

        QdrantVectorIndex pinned = keep(QdrantVectorIndex.openPinned(newClient(), options(), G1.fingerprint()));
        assertThat(pinned.target()).isEqualTo(generations.collection(G1));
        QdrantVectorIndex building = generation(G2);
        assertThat(building.collection()).isEqualTo(options().collectionPrefix() + "-model-b-g2");
        assertThat(building.target()).isEqualTo(building.collection());
        building.upsert(List.of(point("new-doc", 2, new float[] {0, 0, 1})));
        building.commit(Lane.BULK, SourceOffsets.applied(0, 3));

        // each generation has its own points and its own positions
        assertThat(docs(live, new float[] {1, 0, 0, 0})).containsExactly("old-doc");
        assertThat(docs(building, new float[] {0, 0, 1})).containsExactly("new-doc");
        assertThat(building.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.NONE);
        assertThat(building.appliedSourceOffsets(Lane.BULK)).isEqualTo(SourceOffsets.applied(0, 3));

        generations.switchAlias(G1, G2);

        assertThat(generations.aliasTarget()).contains(generations.collection(G2));
        QdrantVectorIndex switched = throughAlias(G2.fingerprint());
        assertThat(switched.collection()).isEqualTo(building.collection());
        assertThat(switched.generationNumber()).as("from the collection's metadata").hasValue(2);
        assertThat(live.generationNumber()).hasValue(1);
        assertThat(docs(switched, new float[] {0, 0, 1})).containsExactly("new-doc");
        // a reader that opened g1 itself, or pinned what the alias named at open, keeps reading g1: its model and its
        // vectors stay together
        assertThat(docs(generation(G1), new float[] {1, 0, 0, 0})).containsExactly("old-doc");
        assertThat(docs(pinned, new float[] {1, 0, 0, 0})).containsExactly("old-doc");
        // a service still on the old model is refused by the switched alias instead of searching the new vectors
        assertThatThrownBy(() -> throughAlias(G1.fingerprint())).isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("model-b");

        generations.switchAlias(G2, G1); // rollback
        assertThat(generations.aliasTarget()).contains(generations.collection(G1));
        assertThat(docs(throughAlias(G1.fingerprint()), new float[] {1, 0, 0, 0})).containsExactly("old-doc");
    }

    @Test
    void eachGenerationsCollectionRecordsItsChunkingForWhoeverReadsTheAlias() {
        throughAlias(G1.fingerprint()); // the alias bootstrap makes g1 and does not know the ingest's chunking
        QdrantAliasTargets targets = keep(QdrantAliasTargets.open(newClient(), options()));
        assertThat(targets.current()).get().satisfies(t -> assertThat(t.chunkMaxTokens()).isEmpty());

        generation(G1); // its generation's writer opens it: the record says 256 tokens, the metadata takes it
        assertThat(targets.current()).get().satisfies(t -> assertThat(t.chunkMaxTokens()).hasValue(256));

        Generation rechunked = new Generation(2, "model-b", 3, 128, GenerationState.BUILDING, T0);
        generation(rechunked); // created with it
        generations().switchAlias(G1, rechunked);
        assertThat(targets.current()).get().satisfies(t -> {
            assertThat(t.generation()).hasValue(2);
            assertThat(t.chunkMaxTokens()).hasValue(128);
        });
        // a reader of g1 opened again finds its chunking kept, not overwritten by anything since
        generation(G1);
        generations().switchAlias(rechunked, G1);
        assertThat(targets.current()).get().satisfies(t -> assertThat(t.chunkMaxTokens()).hasValue(256));
    }

    @Test
    void aSwitchFromAStalePlanOrToAMissingOrForeignCollectionChangesNothing() {
        throughAlias(G1.fingerprint());
        QdrantGenerations generations = generations();

        assertThatThrownBy(() -> generations.switchAlias(G1, G2)).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("does not exist");
        generation(G2);
        assertThatThrownBy(() -> generations.switchAlias(G2, G1)).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("not " + generations.collection(G2));
        // same collection name (the name is a lossy rendering of the model id), another model in its metadata
        Generation impostor = new Generation(2, "MODEL-B", 3, 256, GenerationState.BUILDING, T0);
        assertThat(generations.collection(impostor)).isEqualTo(generations.collection(G2));
        assertThatThrownBy(() -> generations.switchAlias(G1, impostor)).isInstanceOf(IndexMismatchException.class);

        assertThat(generations.aliasTarget()).contains(generations.collection(G1));
    }

    @Test
    void aDropDeletesAGenerationsCollectionButNeverTheActiveOne() {
        throughAlias(G1.fingerprint());
        QdrantGenerations generations = generations();
        QdrantVectorIndex building = generation(G2);
        building.upsert(List.of(point("new-doc", 2, new float[] {0, 0, 1})));

        assertThatThrownBy(() -> generations.drop(G1)).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("switch away from it first");
        generations.drop(G2);
        try (QdrantClient client = newClient()) {
            assertThat(exists(client, generations.collection(G2))).isFalse();
            assertThat(exists(client, generations.collection(G1))).isTrue();
        }
        // building it again starts from an empty collection
        assertThat(docs(generation(G2), new float[] {0, 0, 1})).isEmpty();
    }

    @Test
    void readersThroughTheAliasNeverMissItWhileItSwitchesBackAndForth() throws Exception {
        QdrantVectorIndex live = throughAlias(G1.fingerprint());
        live.upsert(List.of(point("old-doc", 1, new float[] {1, 0, 0, 0})));
        QdrantVectorIndex building = generation(G2);
        building.upsert(List.of(point("new-doc", 2, new float[] {0, 0, 1})));
        QdrantGenerations generations = generations();
        String c1 = generations.collection(G1);
        String c2 = generations.collection(G2);

        AtomicBoolean switching = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        QdrantGenerations watcher = generations();
        try {
            Future<Integer> reads = pool.submit(() -> {
                int n = 0;
                while (switching.get() && n < 10_000) {
                    assertThat(watcher.aliasTarget()).as("the alias, read %d", n).isPresent().get().isIn(c1, c2);
                    n++;
                }
                return n;
            });
            for (int i = 0; i < 10; i++) {
                generations.switchAlias(G1, G2);
                generations.switchAlias(G2, G1);
            }
            switching.set(false);
            assertThat(reads.get(60, TimeUnit.SECONDS)).isPositive();
        } finally {
            switching.set(false);
            pool.shutdownNow();
        }
        assertThat(generations.aliasTarget()).contains(c1);
    }

    private static boolean exists(QdrantClient client, String collection) {
        try {
            return client.collectionExistsAsync(collection).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> docs(QdrantVectorIndex index, float[] vector) {
        return index.search(new SearchQuery("t1", vector, 5, Map.of())).stream().map(SearchHit::docId).toList();
    }

    private static IndexPoint point(String docId, int n, float[] vector) {
        return new IndexPoint("t1", docId, String.format("00000000-0000-0000-0000-%012d", n), 0, "h" + n, "text " + n,
                new DocumentPayload(1, "title " + n, Map.of()), vector, 1000L + n);
    }
}
