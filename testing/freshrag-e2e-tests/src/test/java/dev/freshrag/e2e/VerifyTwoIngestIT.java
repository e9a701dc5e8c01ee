package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.launcher.ServiceProcess;
import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code ./freshrag verify} and {@code --repair} against two ingest-service instances in one Streams group, each
 * holding a part of the document state: whichever instance the CLI reaches, it answers for every partition (its own
 * from its store, the other's through the other's {@code ?scope=local} endpoint), and a repair re-drives each
 * document by the instance that holds its state.
 */
class VerifyTwoIngestIT {

    private static final int DOCUMENTS = 24;
    private static final Duration CONVERGE = Duration.ofMinutes(3);

    private final PipelineStack stack = PipelineStack.shared();
    private final String tenant = "verify2-" + UUID.randomUUID().toString().substring(0, 8);


    @Test
    void verifyAndRepairSeeEveryDocumentWhicheverInstanceIsAsked() throws Exception {
        String operatorKey = KeysFile.append(stack.keysFile, KeysFile.NO_TENANT, Role.OPERATOR);
        VerifyCli cli = new VerifyCli(stack, tenant, operatorKey);
        for (int i = 0; i < DOCUMENTS; i++) {
            put("doc-" + i + ".md", 1, "Document " + i + " describes pump station " + i + " and its flow rates.");
            if (i % 4 == 0) {
                put("doc-" + i + ".md", 2, "Document " + i + " now describes the rebuilt pump station " + i + ".");
            }
        }
        cli.await(stack.ingestUrl(), 0, "the index converges with one ingest-service");

        ServiceProcess second = stack.startAnotherIngest("ingest-2");
        try {
            String secondUrl = "http://127.0.0.1:" + second.port();
            // both hold a part: neither instance's own partitions have every document of the tenant
            long firstLocal = awaitLocalShare(stack.ingestUrl(), operatorKey);
            long secondLocal = awaitLocalShare(secondUrl, operatorKey);
            assertThat(firstLocal + secondLocal).as("the two local shares together").isEqualTo(DOCUMENTS);

            VerifyCli.Run viaFirst = cli.await(stack.ingestUrl(), 0, "verify through the first instance");
            VerifyCli.Run viaSecond = cli.await(secondUrl, 0, "verify through the second instance");
            assertThat(viaFirst.out()).contains("Verified " + DOCUMENTS + " documents: the index matches.");
            assertThat(viaSecond.out()).contains("Verified " + DOCUMENTS + " documents: the index matches.");

            stack.restartEmbedAndQueryOnAnEmptyIndex();
            VerifyCli.Run lost = cli.run(secondUrl);
            assertThat(lost.rc()).as(lost.out() + lost.err()).isEqualTo(1);
            assertThat(lost.out()).contains("Verified " + DOCUMENTS + " documents: " + DOCUMENTS + " differ (missing " + DOCUMENTS);

            VerifyCli.Run repair = cli.run(secondUrl, "--repair");
            assertThat(repair.out()).as(repair.out() + repair.err())
                    .contains("Re-drove " + DOCUMENTS + " of " + DOCUMENTS + " documents through the bulk lane");
            long r0 = System.nanoTime();
            cli.await(stack.ingestUrl(), 0, "verify exits 0 once the repair is applied");
            double repairedIn = (System.nanoTime() - r0) / 1e9;
            for (int i = 0; i < DOCUMENTS; i++) {
                PipelineStack.Answer doc = stack.document(tenant, "doc-" + i + ".md");
                assertThat(doc.status()).as(doc.body()).isEqualTo(200);
                assertThat(doc.json().get("version").asLong()).as("doc-" + i).isEqualTo(i % 4 == 0 ? 2 : 1);
            }
            System.out.printf("verify with two ingest-service instances: %d documents, local shares %d + %d; verify "
                    + "through either exited 0; after the index was lost it reported %d missing; --repair through the "
                    + "second re-drove %d; verify exited 0 %.1f s later%n",
                    DOCUMENTS, firstLocal, secondLocal, DOCUMENTS, DOCUMENTS, repairedIn);
        } finally {
            second.stop();
        }
        // the shared instance takes every partition back and answers alone again
        cli.await(stack.ingestUrl(), 0, "verify after the second instance left");
    }

    /** How many of the tenant's documents an instance holds itself, once that is a true part (not none, not all). */
    private long awaitLocalShare(String ingestUrl, String key) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        PipelineStack.Answer last = null;
        while (System.nanoTime() < deadline) {
            last = stack.send("GET", ingestUrl + "/v1/operator/documents?scope=local&tenant=" + tenant, null, key);
            if (last.status() == 200 && last.json().size() > 0 && last.json().size() < DOCUMENTS) {
                return last.json().size();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the instance at " + ingestUrl + " never held a part of the documents: "
                + (last == null ? "no answer" : last.status() + " " + last.body()));
    }

    private void put(String docId, int version, String content) {
        PipelineStack.Answer a = stack.put(tenant, docId, Map.of("version", version, "title", docId,
                "contentType", "text/plain", "content", content));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }
}
