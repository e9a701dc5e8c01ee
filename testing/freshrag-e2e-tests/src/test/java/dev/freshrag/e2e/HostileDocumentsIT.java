package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.Limits;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.SearchHit;
import dev.freshrag.security.Role;
import dev.freshrag.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile documents of issue 12, end to end, by HTTP and by Kafka: a 60 KB line of {@code "*y "} (quadratic for
 * the old Markdown regexes), a 5 MiB one, and 5 MiB of {@code "# x\n"} (a heading per line: far over the chunk limit).
 * Each either gets a clear 4xx problem naming the limit (HTTP) or goes to kb.dlq with its reason (Kafka), or is an
 * ordinary document parsed in linear time and bounded memory; and the next normal document on the same partition is
 * searchable soon after. The 5 MiB line of {@code "*y "} is opt-in (see {@link #aFiveMebibyteLineOfOpenEmphasisByHttp}). The seconds that takes are printed (the README figure; the goal is 2 s); the bound asserted is generous.
 */
class HostileDocumentsIT {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final String EMPHASIS_60K = "*y ".repeat(20_000);
    private static final String EMPHASIS_5MIB = "*y ".repeat(5 * 1024 * 1024 / 3);
    private static final String HEADINGS_5MIB = "# x\n".repeat(5 * 1024 * 1024 / 4);
    /** The problem detail and the kb.dlq reason name the limit. */
    private static final String OVER_CHUNK_LIMIT = "content: makes at least \\d+ chunks, above the limit of "
            + Limits.MAX_CHUNKS_PER_DOCUMENT + " chunks per document";

    private static PipelineStack stack;
    private static IndexInspector inspector;
    private final String tenant = "hostile-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
        inspector = new IndexInspector(stack);
    }

    @AfterAll
    static void stop() {
        inspector.close();
    }

    @Test
    void byHttpEachGetsAClearAnswerAndThePartitionGoesOn() {
        List<String> found = new ArrayList<>();
        double worst = 0;

        PipelineStack.Answer headings = stack.put(tenant, "headings.md", Map.of("version", 1, "contentType", "text/markdown",
                "content", HEADINGS_5MIB));
        assertThat(headings.status()).as(headings.body()).isEqualTo(413);
        assertThat(headings.contentType()).startsWith("application/problem+json");
        assertThat(headings.json().get("type").asText()).isEqualTo("https://freshrag.dev/problems/document-too-large");
        assertThat(headings.json().get("detail").asText()).matches(OVER_CHUNK_LIMIT);
        double next = nextNormalByHttp("headings.md");
        worst = Math.max(worst, next);
        found.add(String.format("5 MiB of \"# x\\n\": 413 \"%s\", next on its partition searchable in %.2f s",
                headings.json().get("detail").asText(), next));

        String emphasis = emphasisByHttp("emphasis-60k.md", EMPHASIS_60K, "60 KB");
        worst = Math.max(worst, lastNext);
        found.add(emphasis);
        found.forEach(f -> System.out.println("hostile by HTTP: " + f));
        System.out.printf("FAULT hostile-http: did PUT 5 MiB of \"# x\\n\" and a 60 KB line of \"*y \", each followed by a normal "
                + "document on the same partition; found %s; recovered in %.2f s (the slowest next document; goal 2 s); index == model%n",
                String.join("; ", found), worst);
    }

    /**
     * The 5 MiB line of {@code "*y "}: a legal document (13,761 chunks) since the Markdown parser is linear and bounded
     * in memory, but the chunker needs about a minute of CPU for it here (tokenizing 3.5 million tokens, twice), at the
     * gateway and again on the stream thread, and its partition waits that long: far from the 2 s goal, and two
     * minutes of the build. Run with {@code -Dfreshrag.faults.huge-documents=true}; the unit tests cover that its parse
     * completes in a small heap ({@code TextExtractorTest}, {@code ChunkerTest}).
     */
    @Test
    void aFiveMebibyteLineOfOpenEmphasisByHttp() {
        Assumptions.assumeTrue(Boolean.getBoolean("freshrag.faults.huge-documents"), "the 5 MiB line of \"*y \" costs about two "
                + "minutes of CPU here (the chunker, see the README's Reliability section): run with -Dfreshrag.faults.huge-documents=true");
        String found = emphasisByHttp("emphasis-5mib.md", EMPHASIS_5MIB, "5 MiB");
        System.out.println("hostile by HTTP: " + found);
        System.out.printf("FAULT hostile-http-5mib: did PUT a 5 MiB line of \"*y \" followed by a normal document on the same partition; "
                + "found %s; recovered in %.2f s (goal 2 s); index == model%n", found, lastNext);
    }

    private double lastNext;

    /** PUTs a hostile line (a legal document), then a normal document on its partition; checks both are indexed whole. */
    private String emphasisByHttp(String docId, String line, String size) {
        long t0 = System.nanoTime();
        PipelineStack.Answer put = stack.send("PUT", stack.ingestUrl() + "/v1/tenants/" + tenant + "/documents/" + PipelineStack.encode(docId),
                Map.of("version", 1, "contentType", "text/markdown", "content", line, "metadata", Map.of(IndexInspector.DOC_KEY, docId)),
                stack.key(tenant, Role.WRITER), BOUND);
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        double answered = FaultSuiteIT.seconds(t0);
        lastNext = nextNormalByHttp(docId);
        // the next document's token does not wait for the hostile one (it may have been deferred to the bulk lane): its own does
        double applied = awaitApplied(put.json().get("token").asText(), t0);
        return String.format("a %s line of \"*y \": 202 in %.2f s, applied after %.2f s, indexed as %d chunks, next on its "
                + "partition searchable in %.2f s", size, answered, applied, indexedChunks(docId, line), lastNext);
    }

    /** Seconds from {@code t0} until a search with {@code token} answers {@code "consistent": true}: the write it names is applied. */
    private double awaitApplied(String token, long t0) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            PipelineStack.Answer a = stack.search(tenant, Map.of("query", "y", "topK", 1, "consistentWith", List.of(token)));
            last = a.status() + " " + a.body();
            if (a.status() == 200 && a.json().get("consistent").asBoolean()) {
                return FaultSuiteIT.seconds(t0);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the write of token " + token + " was not applied within " + BOUND.toSeconds() + " s; last answer: " + last);
    }

    @Test
    void byKafkaEachIsDeadLetteredOrIndexedAndThePartitionGoesOn() {
        List<String> found = new ArrayList<>();
        double worst = 0;

        WriteToken headings = stack.produce(event("headings.md", HEADINGS_5MIB));
        double next = nextNormalByKafka("headings.md");
        worst = Math.max(worst, next);
        String key = tenant + "/headings.md";
        ConsumerRecord<String, String> dead = stack.broker.awaitRecord(Topics.DLQ, r -> key.equals(r.key()), BOUND);
        String reason = KafkaBroker.header(dead, DlqHeaders.REASON);
        assertThat(reason).matches(OVER_CHUNK_LIMIT);
        assertThat(KafkaBroker.header(dead, DlqHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(headings.offset()));
        assertThat(inspector.status(tenant, "headings.md")).isEmpty();
        found.add(String.format("5 MiB of \"# x\\n\": kb.dlq, reason \"%s\", next on its partition searchable in %.2f s", reason, next));

        // the 5 MiB line of "*y " only by HTTP, opt-in (aFiveMebibyteLineOfOpenEmphasisByHttp): the gateway publishes it to
        // kb.doc-changes, so the topology reads the very same event there
        for (String[] h : new String[][] {{"emphasis-60k.md", EMPHASIS_60K, "60 KB"}}) {
            long t0 = System.nanoTime();
            WriteToken hostile = stack.produce(event(h[0], h[1]));
            next = nextNormalByKafka(h[0]);
            worst = Math.max(worst, next);
            awaitApplied(hostile.toString(), t0);
            found.add(String.format("a %s line of \"*y \": indexed as %d chunks, next on its partition searchable in %.2f s",
                    h[2], indexedChunks(h[0], h[1]), next));
        }
        found.forEach(f -> System.out.println("hostile by Kafka: " + f));
        System.out.printf("FAULT hostile-kafka: did produce 5 MiB of \"# x\\n\" and a 60 KB line of \"*y \" to kb.doc-changes, each "
                + "followed by a normal document on the same partition; found %s; recovered in %.2f s (the slowest next document; goal 2 s); "
                + "index == model%n", String.join("; ", found), worst);
    }

    private DocumentChange event(String docId, String content) {
        return new DocumentChange(tenant, docId, 1L, Op.UPSERT, docId, "text/markdown", content, Map.of(IndexInspector.DOC_KEY, docId), null);
    }

    /** PUTs a normal document whose key lands on the hostile one's partition; answers the seconds until it is searchable. */
    private double nextNormalByHttp(String hostileDocId) {
        String docId = samePartition(hostileDocId);
        String content = "After " + hostileDocId + " the ferry timetable lists crossings every forty minutes.";
        long t0 = System.nanoTime();
        PipelineStack.Answer put = stack.put(tenant, docId, Map.of("version", 1, "title", docId, "contentType", "text/plain",
                "content", content, "metadata", Map.of(IndexInspector.DOC_KEY, docId)));
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        String token = put.json().get("token").asText();
        assertThat(WriteToken.parse(token).orElseThrow().partition()).isEqualTo(partition(hostileDocId));
        FaultSuiteIT.awaitSearchable(tenant, docId, content, token, BOUND);
        double s = FaultSuiteIT.seconds(t0);
        assertIndexed(docId, content);
        return s;
    }

    private double nextNormalByKafka(String hostileDocId) {
        String docId = samePartition(hostileDocId);
        String content = "After " + hostileDocId + " the ferry timetable lists crossings every forty minutes.";
        long t0 = System.nanoTime();
        WriteToken token = stack.produce(new DocumentChange(tenant, docId, 1L, Op.UPSERT, docId, "text/plain", content,
                Map.of(IndexInspector.DOC_KEY, docId), null));
        assertThat(token.partition()).isEqualTo(partition(hostileDocId));
        FaultSuiteIT.awaitSearchable(tenant, docId, content, token.toString(), BOUND);
        double s = FaultSuiteIT.seconds(t0);
        assertIndexed(docId, content);
        return s;
    }

    /** The normal document is in the index exactly: one chunk with its text, at version 1. */
    private void assertIndexed(String docId, String content) {
        List<SearchHit> chunks = inspector.chunks(tenant, docId);
        assertThat(chunks).extracting(SearchHit::text).containsExactly(content);
        assertThat(chunks).allSatisfy(c -> assertThat(c.version()).isEqualTo(1));
    }

    /**
     * The hostile line is in the index at version 1, all of its text (chunks cut it between words: compared without
     * spaces); answers how many chunks. The 5 MiB line has more chunks than one inspection reads: its status counts them.
     */
    private int indexedChunks(String docId, String line) {
        int chunks = inspector.status(tenant, docId).orElseThrow(() -> new AssertionError(docId + " is not in the index")).chunks();
        if (line.length() < 100_000) {
            List<SearchHit> hits = inspector.chunks(tenant, docId);
            assertThat(hits).hasSize(chunks).allSatisfy(c -> assertThat(c.version()).isEqualTo(1));
            assertThat(hits.stream().map(SearchHit::text).collect(Collectors.joining()).replace(" ", ""))
                    .isEqualTo(line.replace(" ", ""));
        } else {
            assertThat(chunks).isGreaterThan(1000);
        }
        return chunks;
    }

    /** A docId ("next-after-<hostile>-<n>") whose record key the default partitioner puts on the hostile document's partition. */
    private String samePartition(String hostileDocId) {
        int wanted = partition(hostileDocId);
        for (int n = 0; ; n++) {
            String docId = "next-after-" + hostileDocId + "-" + n + "-" + UUID.randomUUID().toString().substring(0, 4);
            if (partition(docId) == wanted) {
                return docId;
            }
        }
    }

    /** Kafka's default partitioner for a keyed record: murmur2 of the key, modulo the partitions. */
    private int partition(String docId) {
        byte[] key = new DocumentKey(tenant, docId).toBytes();
        return Utils.toPositive(Utils.murmur2(key)) % KafkaBroker.TEST_PARTITIONS;
    }
}
