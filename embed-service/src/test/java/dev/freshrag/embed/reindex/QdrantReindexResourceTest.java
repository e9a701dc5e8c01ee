package dev.freshrag.embed.reindex;

import static dev.freshrag.embed.reindex.IngestPart.await;
import static dev.freshrag.embed.reindex.IngestPart.chunk;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.qdrant.QdrantAliasTargets;
import dev.freshrag.index.qdrant.QdrantGenerations;
import dev.freshrag.index.qdrant.QdrantOptions;
import dev.freshrag.index.qdrant.QdrantVectorIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A reindex on Qdrant through the operator endpoints, in the application with the in-JVM broker and its index on the
 * Qdrant protocol double over a local port ({@link QdrantIndexProfile}): start (g2, bge-small-en-v1.5, its own
 * collection beside g1's), the backfill, a live edit meanwhile, caught up, every document at its newest version in
 * both collections, switch (the alias moves, as the query-service's alias source reads it), a live edit after it
 * reaching both, rollback (the alias back), drop-previous (g2's collection deleted, never the active one).
 */
@QuarkusTest
@TestProfile(QdrantIndexProfile.class)
class QdrantReindexResourceTest {

    private static final Generation G1 = new Generation(1, "all-minilm-l6-v2", 384, 256, GenerationState.ACTIVE, Instant.EPOCH);
    private static final Generation G2 = new Generation(2, "bge-small-en-v1.5", 384, 256, GenerationState.BUILDING, Instant.EPOCH);

    private final IngestPart ingest = new IngestPart("rxq-" + UUID.randomUUID().toString().substring(0, 8));

    private static QdrantOptions options() {
        int port = ConfigProvider.getConfig().getValue("freshrag.index.qdrant.port", Integer.class);
        return QdrantOptions.defaults().withEndpoint("localhost", port).withAlias(QdrantIndexProfile.ALIAS)
                .withCollectionPrefix(QdrantIndexProfile.ALIAS).withTimeout(Duration.ofSeconds(10));
    }

    /** The chunks of a document in a generation's own collection, as {@code id@version}. */
    private List<String> chunksOf(Generation g, String docId) {
        try (QdrantVectorIndex index = QdrantVectorIndex.connectGeneration(options(), g)) {
            return index.chunks(ingest.tenant, docId).stream().map(h -> h.chunkId() + "@" + h.version()).toList();
        }
    }

    private Optional<DocumentStatus> documentIn(Generation g, String docId) {
        try (QdrantVectorIndex index = QdrantVectorIndex.connectGeneration(options(), g)) {
            return index.document(ingest.tenant, docId);
        }
    }

    /** What the query-service's alias source reads: the collection the alias names, its model and generation. */
    private static QdrantAliasTargets.Target aliasTarget() {
        try (QdrantAliasTargets targets = QdrantAliasTargets.connect(options())) {
            return targets.current().orElseThrow();
        }
    }

    private static boolean exists(Generation g) {
        try (QdrantGenerations generations = QdrantGenerations.connect(options())) {
            return generations.exists(g);
        }
    }

    @Test
    void aModelChangeOnQdrantBuildsACollectionBesideTheActiveOneAndMovesTheAlias() throws Exception {
        String t = ingest.tenant;
        ChunkOp a = chunk(t + "-a", 0, "Penguins live in the southern hemisphere.");
        ChunkOp b = chunk(t + "-b", 1, "Polar bears live in the Arctic.");
        ChunkOp c = chunk(t + "-c", 0, "Camels store fat in their humps.");
        ChunkOp d = chunk(t + "-d", 0, "Owls hunt at night.");
        ChunkOp e = chunk(t + "-e", 1, "Salmon swim upstream to spawn.");
        ingest.liveChange("d1", 1, List.of(a, b), List.of(a, b));
        ingest.liveChange("d2", 1, List.of(c), List.of(c));
        ingest.liveChange("d3", 1, List.of(d), List.of(d));
        await("the three documents in g1", () -> documentIn(G1, "d1").isPresent() && documentIn(G1, "d2").isPresent()
                && documentIn(G1, "d3").isPresent());
        assertThat(aliasTarget().generation()).hasValue(1);

        given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\"}").post("/v1/operator/reindex/start")
                .then().statusCode(200).body("active.generation", equalTo("g1")).body("building.generation", equalTo("g2"))
                .body("building.model", equalTo("bge-small-en-v1.5"));
        assertThat(exists(G2)).as("g2's collection").isTrue();
        assertThat(aliasTarget().generation()).as("the alias stays on g1 while g2 builds").hasValue(1);
        given().post("/v1/operator/reindex/switch").then().statusCode(409).contentType("application/problem+json");

        // a live edit during the reindex: v2 relabels a (with its text), drops b, adds e
        ingest.liveChange("d1", 2, List.of(ChunkOp.payload(a.chunkId(), 0, a.hash(), a.text()), ChunkOp.delete(b.chunkId()), e),
                List.of(a, e));
        Set<Long> handled = new HashSet<>();
        await("g2 caught up", () -> {
            ingest.ingestRedrives(handled, "g2");
            return given().get("/v1/operator/reindex").then().statusCode(200).extract().<Boolean>path("caughtUp");
        });
        for (String doc : List.of("d1", "d2", "d3")) {
            assertThat(chunksOf(G2, doc)).as(doc + " in g2").isEqualTo(chunksOf(G1, doc)).isNotEmpty();
        }
        assertThat(chunksOf(G2, "d1")).containsExactly(a.chunkId() + "@2", e.chunkId() + "@2");

        given().post("/v1/operator/reindex/switch").then().statusCode(200).body("active.generation", equalTo("g2"))
                .body("previous.generation", equalTo("g1")).body("building", nullValue());
        QdrantAliasTargets.Target switched = aliasTarget();
        assertThat(switched.generation()).hasValue(2);
        assertThat(switched.fingerprint().modelId()).isEqualTo("bge-small-en-v1.5");
        assertThat(switched.collection()).isEqualTo("rxq-bge-small-en-v1-5-g2");

        // after the switch both are written: a live edit reaches g2 (active) and g1 (kept for a rollback)
        ChunkOp f = chunk(t + "-f", 1, "Ants farm aphids.");
        ingest.liveChange("d2", 2, List.of(ChunkOp.payload(c.chunkId(), 0, c.hash(), c.text()), f), List.of(c, f));
        await("d2 v2 in both", () -> documentIn(G2, "d2").map(s -> s.version() == 2).orElse(false)
                && documentIn(G1, "d2").map(s -> s.version() == 2).orElse(false));
        assertThat(chunksOf(G2, "d2")).containsExactly(c.chunkId() + "@2", f.chunkId() + "@2").isEqualTo(chunksOf(G1, "d2"));

        // drop-previous never drops the active one: here it would be g1, which is not the active one, so first roll back
        given().post("/v1/operator/reindex/rollback").then().statusCode(200).body("active.generation", equalTo("g1"))
                .body("previous.generation", equalTo("g2"));
        assertThat(aliasTarget().generation()).as("rolled back").hasValue(1);
        given().get("/v1/operator/reindex").then().statusCode(200).body("active.generation", equalTo("g1"))
                .body("previous.generation", equalTo("g2"));
        given().post("/v1/operator/reindex/drop-previous").then().statusCode(200).body("active.generation", equalTo("g1"))
                .body("previous", nullValue());
        assertThat(exists(G2)).as("g2's collection deleted").isFalse();
        assertThat(exists(G1)).as("the active g1 kept").isTrue();
        assertThat(aliasTarget().generation()).hasValue(1);
        given().post("/v1/operator/reindex/rollback").then().statusCode(409).contentType("application/problem+json");
        System.out.printf("reindex on Qdrant: g2 built beside g1, %d re-driven records applied, switch and rollback moved "
                + "alias %s, g2's collection dropped%n", handled.size(), QdrantIndexProfile.ALIAS);
    }
}
