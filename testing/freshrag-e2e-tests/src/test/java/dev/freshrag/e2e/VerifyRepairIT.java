package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's "done when" on the real services: documents indexed, the index directory lost (query and embed stopped,
 * the directory deleted, both started again), {@code ./freshrag verify} reports every document missing and exits 1,
 * {@code verify --repair} re-drives them through the bulk lane, and a later {@code verify} exits 0 with every document
 * back at its newest version. The CLI runs in-process on the real command line parser, over HTTP.
 */
class VerifyRepairIT {

    private static final int DOCUMENTS = 12;

    private final PipelineStack stack = PipelineStack.shared();
    private final String tenant = "verify-" + UUID.randomUUID().toString().substring(0, 8);


    @Test
    void aLostIndexIsReportedMissingAndRepairedAtTheNewestVersions() throws Exception {
        String operatorKey = KeysFile.append(stack.keysFile, KeysFile.NO_TENANT, Role.OPERATOR);
        VerifyCli cli = new VerifyCli(stack, tenant, operatorKey);
        for (int i = 0; i < DOCUMENTS; i++) {
            put("doc-" + i + ".md", 1, "Document " + i + " describes harbour crane number " + i + " and its load limits.");
            if (i % 3 == 0) {
                // every third document has a second version: the repair must bring back v2, not v1
                put("doc-" + i + ".md", 2, "Document " + i + " now describes the rebuilt crane " + i + " and its new limits.");
            }
        }
        VerifyCli.Run before = cli.await(stack.ingestUrl(), 0, "the index converges after the writes");
        assertThat(before.out()).contains("Verified " + DOCUMENTS + " documents: the index matches.");
        assertThat(before.out()).doesNotContain("orphan");
        // the listing verify searches for orphans with: every document of the tenant, at its newest version, in pages
        java.util.Map<String, Long> listed = listIndexedDocuments(operatorKey, 5);
        assertThat(listed).hasSize(DOCUMENTS);
        for (int i = 0; i < DOCUMENTS; i++) {
            assertThat(listed.get("doc-" + i + ".md")).as("listed doc-" + i).isEqualTo(i % 3 == 0 ? 2L : 1L);
        }

        long t0 = System.nanoTime();
        stack.restartEmbedAndQueryOnAnEmptyIndex();
        System.out.printf("verify: query and embed restarted on an empty index in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        VerifyCli.Run lost = cli.run(stack.ingestUrl());
        assertThat(lost.rc()).as(lost.out() + lost.err()).isEqualTo(1);
        assertThat(lost.out().lines().filter(l -> l.startsWith("missing ")).count()).isEqualTo(DOCUMENTS);
        assertThat(lost.out()).contains("Verified " + DOCUMENTS + " documents: " + DOCUMENTS + " differ (missing " + DOCUMENTS);

        long r0 = System.nanoTime();
        VerifyCli.Run repair = cli.run(stack.ingestUrl(), "--repair");
        assertThat(repair.rc()).as("the repair run still reports what it found").isEqualTo(1);
        assertThat(repair.out()).contains("Re-drove " + DOCUMENTS + " of " + DOCUMENTS + " documents through the bulk lane");
        VerifyCli.Run after = cli.await(stack.ingestUrl(), 0, "verify exits 0 once the repair is applied");
        double repairedIn = (System.nanoTime() - r0) / 1e9;
        assertThat(after.out()).contains("Verified " + DOCUMENTS + " documents: the index matches.");
        for (int i = 0; i < DOCUMENTS; i++) {
            PipelineStack.Answer doc = stack.document(tenant, "doc-" + i + ".md");
            assertThat(doc.status()).as(doc.body()).isEqualTo(200);
            assertThat(doc.json().get("version").asLong()).as("doc-" + i).isEqualTo(i % 3 == 0 ? 2 : 1);
        }
        System.out.printf("verify: %d documents; after the index was lost verify exited %d reporting %d missing; "
                + "--repair re-drove %d; a verify exited 0 %.1f s after the repair started; 0 orphans, the index "
                + "listing held %d documents%n", DOCUMENTS, lost.rc(), DOCUMENTS, DOCUMENTS, repairedIn, listed.size());
    }

    /** GET /v1/operator/index/documents page by page, as verify does: docId -> indexed version. */
    private java.util.Map<String, Long> listIndexedDocuments(String key, int limit) {
        java.util.Map<String, Long> listed = new java.util.TreeMap<>();
        String after = null;
        int pages = 0;
        do {
            String url = stack.queryUrl() + "/v1/operator/index/documents?tenant=" + tenant + "&limit=" + limit
                    + (after == null ? "" : "&after=" + PipelineStack.encode(after));
            PipelineStack.Answer page = stack.send("GET", url, null, key);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("documents").forEach(d -> listed.put(d.get("docId").asText(), d.get("version").asLong()));
            after = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            pages++;
        } while (after != null && pages < 100);
        assertThat(pages).as("paged by " + limit).isGreaterThan(1);
        return listed;
    }

    private void put(String docId, int version, String content) {
        PipelineStack.Answer a = stack.put(tenant, docId, Map.of("version", version, "title", docId,
                "contentType", "text/plain", "content", content));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }
}
