package dev.freshrag.embed.reindex;

import static dev.freshrag.embed.reindex.IngestPart.await;
import static dev.freshrag.embed.reindex.IngestPart.chunk;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * On Qdrant several replicas share the index, and only the one holding the backfill lease (kb.chunk-ops partition 0
 * of the group) re-drives the documents into a building generation: after several replicas restart together one
 * re-drives, not each. Here the application is a replica that does not hold it when {@code start} is served: nothing
 * is re-driven and the status says where the backfill runs; once the lease comes here (as after a rebalance), the
 * backfill starts from what kb.generations records and the generation catches up. A late progress record of the
 * runner that lost the lease (written after this one finished) sets nothing back.
 */
@QuarkusTest
@TestProfile(QdrantLeaseProfile.class)
class QdrantBackfillLeaseTest {

    @Inject
    SwitchableBackfillLease lease;

    /** This profile's own kb.generations (see {@link QdrantIndexProfile}). */
    @ConfigProperty(name = "freshrag.topics.generations")
    String generationsTopic;

    private final KafkaBroker broker = KafkaBroker.shared();

    private final IngestPart ingest = new IngestPart("rxl-" + UUID.randomUUID().toString().substring(0, 8));

    @Test
    void onlyTheReplicaHoldingTheLeaseRedrivesAndItStartsWhenTheLeaseComes() throws Exception {
        lease.set(false);
        String t = ingest.tenant;
        ChunkOp a = chunk(t + "-a", 0, "Penguins live in the southern hemisphere.");
        ChunkOp b = chunk(t + "-b", 0, "Camels store fat in their humps.");
        ingest.liveChange("d1", 1, List.of(a), List.of(a));
        ingest.liveChange("d2", 1, List.of(b), List.of(b));

        given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\"}").post("/v1/operator/reindex/start")
                .then().statusCode(200).body("building.generation", equalTo("g2"));
        Thread.sleep(3000); // what a backfill would re-drive in this time (a few documents take well under a second)
        Set<Long> handled = new HashSet<>();
        assertThat(ingest.ingestRedrives(handled, "g2")).as("re-driven while another replica holds the lease").isZero();
        given().get("/v1/operator/reindex").then().statusCode(200).body("caughtUp", equalTo(false))
                .body("backfill.redriven", equalTo(0))
                .body("behind", containsString("runs on another replica (the test's lease)"));

        lease.set(true);
        await("g2 caught up once the lease is here", () -> {
            ingest.ingestRedrives(handled, "g2");
            return given().get("/v1/operator/reindex").then().statusCode(200).extract().<Boolean>path("caughtUp");
        });
        assertThat(handled).as("re-driven records, this tenant's two documents among them").hasSizeGreaterThanOrEqualTo(2);

        // the replica that held the lease before writes its progress late: from before it re-drove anything, landing
        // after this replica's backfill finished. Taking it would re-drive every document again and say "not caught up"
        GenerationControl finished = newestRecordOf("g2");
        assertThat(finished.backfill().done()).as("the finished backfill's record").isTrue();
        broker.produce(generationsTopic, "g2".getBytes(StandardCharsets.UTF_8),
                EventJson.write(finished.withBackfill(GenerationControl.Backfill.none())), Map.of());
        Thread.sleep(3000); // the follower reads kb.generations continuously; a restarted backfill re-drives within this
        assertThat(ingest.ingestRedrives(handled, "g2")).as("re-driven again after the late record").isZero();
        given().get("/v1/operator/reindex").then().statusCode(200).body("caughtUp", equalTo(true))
                .body("backfill.done", equalTo(true));
        await("the lease holder records its progress again, for a restart to resume from",
                () -> newestRecordOf("g2").backfill().done());

        given().post("/v1/operator/reindex/abort").then().statusCode(200);
    }

    private GenerationControl newestRecordOf(String generation) {
        return broker.consumeAllBytes(generationsTopic, Duration.ofSeconds(30)).stream()
                .filter(r -> generation.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .filter(r -> !GenerationFollowed.isKey(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> EventJson.read(r.value(), GenerationControl.class))
                .reduce((first, second) -> second).orElseThrow();
    }
}
