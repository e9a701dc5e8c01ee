package dev.freshrag.embed.pipeline;

import static dev.freshrag.embed.reindex.IngestPart.await;
import static dev.freshrag.embed.reindex.IngestPart.chunk;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.freshrag.embed.config.ComponentProducer;
import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embed.reindex.GenerationFollower;
import dev.freshrag.embed.reindex.IngestPart;
import dev.freshrag.embed.reindex.QdrantIndexProfile;
import dev.freshrag.embed.reindex.QdrantReplicasProfile;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.qdrant.QdrantOptions;
import dev.freshrag.index.qdrant.QdrantVectorIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Two embed-service replicas on one Qdrant (the protocol double over a local port) during a reindex: replica A is the
 * application, which serves the operator endpoints and consumes the lanes; replica B is a second set of the
 * service's own parts in the same JVM (its {@link GenerationWriters} with writers opened as the service opens them,
 * real models, and a {@link GenerationFollower} on the same kb.generations), fed records that only it consumed (as
 * when the consumer group gave it their partition). Start on A: B opens g2; a live record B consumes goes to g1 and g2;
 * switch on A: B writes g2 as the active one; a record B consumes after it still reaches both.
 */
@QuarkusTest
@TestProfile(QdrantReplicasProfile.class)
class QdrantReplicasFollowGenerationsTest {

    private static final Generation G1 = new Generation(1, "all-minilm-l6-v2", 384, 256, GenerationState.ACTIVE, Instant.EPOCH);
    private static final Generation G2 = new Generation(2, "bge-small-en-v1.5", 384, 256, GenerationState.BUILDING, Instant.EPOCH);

    @Inject
    EmbedConfig config;
    @Inject
    EmbedMetrics metrics;

    private final IngestPart ingest = new IngestPart("rpl-" + UUID.randomUUID().toString().substring(0, 8));

    private static QdrantOptions options() {
        int port = ConfigProvider.getConfig().getValue("freshrag.index.qdrant.port", Integer.class);
        return QdrantOptions.defaults().withEndpoint("localhost", port).withAlias(QdrantIndexProfile.ALIAS)
                .withCollectionPrefix(QdrantIndexProfile.ALIAS).withTimeout(Duration.ofSeconds(10));
    }

    private List<String> chunksOf(Generation g, String docId) {
        try (QdrantVectorIndex index = QdrantVectorIndex.connectGeneration(options(), g)) {
            return index.chunks(ingest.tenant, docId).stream().map(h -> h.chunkId() + "@" + h.version()).toList();
        }
    }

    /** What replica B does with a record its lane consumed: both generations written before it would acknowledge. */
    private static void consumeOnB(GenerationWriters b, DocumentOps ops) {
        b.write(Lane.LIVE, List.of(ops), o -> null, b.activeId(), Map.of(), GenerationWriters.SecondVectors.NONE,
                SourceOffsets.applied(ops.sourcePartition(), ops.sourceOffset()), PreparedWrites.NONE);
    }

    @Test
    void aReplicaThatDidNotServeTheEndpointsWritesTheGenerationsKbGenerationsNames() throws Exception {
        String t = ingest.tenant;
        ChunkOp a = chunk(t + "-a", 0, "Penguins live in the southern hemisphere.");
        ingest.liveChange("d1", 1, List.of(a), List.of(a));
        await("d1 in g1 (written by A)", () -> !chunksOf(G1, "d1").isEmpty());

        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        GenerationWriters b = new GenerationWriters(ComponentProducer.openWriter(config, G1, metrics));
        List<String> followed = new ArrayList<>();
        try (GenerationFollower follower = new GenerationFollower(bootstrap, config.topics().generations(),
                Duration.ofMillis(200), records -> {
                    for (GenerationFollower.Seen r : records) {
                        String did = GenerationFollower.act(r.record(), b, g -> ComponentProducer.openWriter(config, g, metrics));
                        if (did != null) {
                            synchronized (followed) {
                                followed.add(did);
                            }
                        }
                    }
                })) {
            follower.start();

            given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\"}").post("/v1/operator/reindex/start")
                    .then().statusCode(200).body("building.generation", equalTo("g2"));
            await("B writes g2 beside g1", () -> b.secondId().filter("g2"::equals).isPresent());
            assertThat(b.activeId()).isEqualTo("g1");

            // a live record consumed by B during the reindex reaches both generations
            ChunkOp c = chunk(t + "-c", 0, "Camels store fat in their humps.");
            consumeOnB(b, ingest.acceptedOnly("d2", 1, List.of(c), List.of(c)));
            assertThat(chunksOf(G1, "d2")).containsExactly(c.chunkId() + "@1");
            assertThat(chunksOf(G2, "d2")).containsExactly(c.chunkId() + "@1");

            Set<Long> handled = new HashSet<>();
            await("g2 caught up (A's status)", () -> {
                ingest.ingestRedrives(handled, "g2");
                return given().get("/v1/operator/reindex").then().statusCode(200).extract().<Boolean>path("caughtUp");
            });
            for (String doc : List.of("d1", "d2")) {
                assertThat(chunksOf(G2, doc)).as(doc + " in g2").isEqualTo(chunksOf(G1, doc)).isNotEmpty();
            }

            given().post("/v1/operator/reindex/switch").then().statusCode(200).body("active.generation", equalTo("g2"));
            await("B writes g2 as the active one", () -> b.activeId().equals("g2"));
            assertThat(b.secondId()).hasValue("g1");

            // a record consumed by B after the switch reaches both (g1 kept written for a rollback)
            ChunkOp f = chunk(t + "-f", 1, "Ants farm aphids.");
            consumeOnB(b, ingest.acceptedOnly("d2", 2, List.of(ChunkOp.payload(c.chunkId(), 0, c.hash(), c.text()), f),
                    List.of(c, f)));
            assertThat(chunksOf(G2, "d2")).containsExactly(c.chunkId() + "@2", f.chunkId() + "@2");
            assertThat(chunksOf(G1, "d2")).containsExactly(c.chunkId() + "@2", f.chunkId() + "@2");
        } finally {
            b.closeAll();
        }
        synchronized (followed) {
            assertThat(followed).containsExactly("opened g2", "g2 written as the active one");
            System.out.printf("replicas on Qdrant: B followed kb.generations (%s); B's records reached both generations "
                    + "before and after the switch served by A%n", String.join(", ", followed));
        }
    }
}
