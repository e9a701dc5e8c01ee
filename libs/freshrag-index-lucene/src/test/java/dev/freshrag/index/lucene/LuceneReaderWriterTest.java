package dev.freshrag.index.lucene;

import static dev.freshrag.index.VectorIndexBehaviour.chunk;
import static dev.freshrag.index.VectorIndexBehaviour.point;
import static dev.freshrag.index.VectorIndexBehaviour.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer/reader split. In production the writer (embed-service) and the readers (query-service) are
 * separate processes; most tests here open both on the same directory inside this one JVM as a stand-in,
 * which exercises the same code paths (a reader opens the directory without the writer's lock and sees only
 * commits). One test runs the writer in a real second JVM and kills it with SIGKILL.
 *
 * <p>Freshness is checked by polling with a generous timeout, never by asserting a latency.
 */
class LuceneReaderWriterTest {

    private static final IndexFingerprint FP = new IndexFingerprint("minilm-test", 8);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final String T = "tenant-a";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    // ---- freshness

    @Test
    void readerSeesAWriterCommitWithinABoundedWait() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex writer = writer(dir, FP);
        LuceneReaderIndex reader = reader(dir, FP, LuceneOptions.defaults());
        assertThat(reader.isHealthy()).isTrue();
        assertThat(reader.commitGeneration()).isZero();

        writer.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
        writer.commit(new SourceOffsets(Map.of(0, 5L, 2, 9L)));

        awaitTrue("reader sees the commit", () -> !reader.search(query(vector(1))).isEmpty());
        assertThat(reader.search(query(vector(1)))).extracting(SearchHit::chunkId).containsExactly(chunk("c1"));
        assertThat(reader.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 5L, 2, 9L)));
        assertThat(reader.commitGeneration()).isEqualTo(writer.commitGeneration()).isEqualTo(1);
        assertThat(reader.document(T, "doc")).map(DocumentStatus::chunks).contains(1);

        writer.deleteDocument(T, "doc");
        writer.commit(new SourceOffsets(Map.of(0, 6L)));
        awaitTrue("reader sees the delete", () -> reader.document(T, "doc").isEmpty());
        assertThat(reader.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 6L, 2, 9L)));
    }

    @Test
    void readerSeesOnlyCommitsWhileTheWriterReadsItsOwnWrites() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex writer = writer(dir, FP);
        LuceneReaderIndex reader = reader(dir, FP, LuceneOptions.defaults());

        writer.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));

        assertThat(writer.chunkIds(T, "doc")).containsExactly(chunk("c1"));
        assertThat(writer.search(query(vector(1)))).hasSize(1);
        reader.refreshNow();
        assertThat(reader.chunkIds(T, "doc")).isEmpty();
        assertThat(reader.search(query(vector(1)))).isEmpty();

        writer.commit(SourceOffsets.NONE);
        reader.refreshNow();
        assertThat(reader.chunkIds(T, "doc")).containsExactly(chunk("c1"));
    }

    @Test
    void aReadSeesEveryCommitMadeBeforeItWithoutWaitingForThePoll() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex writer = writer(dir, FP);
        LuceneReaderIndex reader = reader(dir, FP, LuceneOptions.defaults().withRefreshInterval(Duration.ofHours(1)));
        assertThat(reader.search(query(vector(1)))).isEmpty();
        assertThat(reader.commitGeneration()).isZero();

        writer.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
        writer.commit(new SourceOffsets(Map.of(1, 3L)));

        // no poll within an hour: the read itself looked for the commit
        assertThat(reader.search(query(vector(1)))).hasSize(1);
        assertThat(reader.commitGeneration()).isEqualTo(1);

        writer.upsert(List.of(point(T, "doc", chunk("c2"), 1, vector(2))));
        writer.commit(new SourceOffsets(Map.of(1, 4L)));
        // what the consistency gate polls looks too
        assertThat(reader.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(1, 4L)));
        assertThat(reader.chunkIds(T, "doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
    }

    @Test
    void readerOpenedBeforeTheIndexExistsAnswersEmptyAndOpensItLater() {
        Path dir = tmp.resolve("not-yet");
        LuceneReaderIndex reader = reader(dir, FP, LuceneOptions.defaults());

        assertThat(reader.isHealthy()).isFalse();
        assertThat(reader.search(query(vector(1)))).isEmpty();
        assertThat(reader.document(T, "doc")).isEmpty();
        assertThat(reader.chunkIds(T, "doc")).isEmpty();
        assertThat(reader.appliedSourceOffsets()).isEqualTo(SourceOffsets.NONE);
        assertThat(reader.commitGeneration()).isEqualTo(-1);

        LuceneWriterIndex writer = writer(dir, FP);
        awaitTrue("reader opens the new index", reader::isHealthy);
        assertThat(reader.commitGeneration()).isZero();

        writer.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
        writer.commit(new SourceOffsets(Map.of(0, 1L)));
        awaitTrue("reader sees the first data commit", () -> reader.document(T, "doc").isPresent());
    }

    // ---- fingerprints, locks, reopen

    @Test
    void readerRefusesAnIndexWithAnotherFingerprint() {
        Path dir = tmp.resolve("idx");
        writer(dir, FP);

        assertThatThrownBy(() -> reader(dir, new IndexFingerprint("bge-small", 8), LuceneOptions.defaults()))
                .isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("minilm-test").hasMessageContaining("bge-small");
        assertThatThrownBy(() -> reader(dir, new IndexFingerprint("minilm-test", 384), LuceneOptions.defaults()))
                .isInstanceOf(IndexMismatchException.class).hasMessageContaining("384");
    }

    @Test
    void readerWaitingForTheIndexRefusesItWhenItAppearsWithAnotherFingerprint() {
        Path dir = tmp.resolve("idx");
        LuceneReaderIndex reader = reader(dir, new IndexFingerprint("bge-small", 8),
                LuceneOptions.defaults().withRefreshInterval(Duration.ofHours(1)));
        writer(dir, FP);

        assertThatThrownBy(reader::refreshNow).isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("bge-small");
        assertThat(reader.isHealthy()).isFalse();
        assertThatThrownBy(() -> reader.search(query(vector(1)))).isInstanceOf(IndexMismatchException.class);
        assertThatThrownBy(() -> reader.document(T, "doc")).isInstanceOf(IndexMismatchException.class);
    }

    @Test
    void writerReopenKeepsDataFingerprintOffsetsAndCommitCounter() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex first = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        first.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1)), point(T, "doc", chunk("c2"), 1, vector(2))));
        first.commit(new SourceOffsets(Map.of(0, 10L)));
        first.commit(new SourceOffsets(Map.of(1, 20L)));
        first.close();

        LuceneWriterIndex again = writer(dir, FP);

        assertThat(again.fingerprint()).isEqualTo(FP);
        assertThat(again.commitGeneration()).isEqualTo(2);
        assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 20L)));
        assertThat(again.chunkIds(T, "doc")).containsExactly(chunk("c1"), chunk("c2"));
        again.commit(new SourceOffsets(Map.of(0, 11L)));
        assertThat(again.commitGeneration()).isEqualTo(3);
        assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 11L, 1, 20L)));
    }

    @Test
    void uncommittedWritesAreDiscardedWhenTheWriterCloses() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex first = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        first.upsert(List.of(point(T, "doc", chunk("kept"), 0, vector(1))));
        first.commit(new SourceOffsets(Map.of(0, 1L)));
        first.upsert(List.of(point(T, "doc", chunk("lost"), 1, vector(2))));
        first.deleteDocument(T, "doc");
        assertThat(first.chunkIds(T, "doc")).isEmpty();
        first.close();

        LuceneWriterIndex again = writer(dir, FP);

        assertThat(again.chunkIds(T, "doc")).containsExactly(chunk("kept"));
        assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 1L)));
    }

    @Test
    void aSecondWriterOnTheSameDirectoryFailsClearly() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex first = writer(dir, FP);

        assertThatThrownBy(() -> writer(dir, FP))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("write lock").hasMessageContaining(dir.toString())
                .hasCauseInstanceOf(LockObtainFailedException.class);

        first.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
        first.commit(SourceOffsets.NONE);
        assertThat(first.chunkIds(T, "doc")).hasSize(1);
        first.close();
        assertThat(writer(dir, FP).chunkIds(T, "doc")).hasSize(1);
    }

    @Test
    void writerRefusesAnIndexWithAnotherFingerprintAndLeavesItIntact() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex first = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        first.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
        first.commit(new SourceOffsets(Map.of(0, 7L)));
        first.close();

        assertThatThrownBy(() -> writer(dir, new IndexFingerprint("bge-small", 8)))
                .isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("minilm-test").hasMessageContaining("bge-small");
        assertThatThrownBy(() -> writer(dir, new IndexFingerprint("minilm-test", 16)))
                .isInstanceOf(IndexMismatchException.class).hasMessageContaining("16");

        LuceneWriterIndex again = writer(dir, FP);
        assertThat(again.chunkIds(T, "doc")).containsExactly(chunk("c1"));
        assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 7L)));
    }

    @Test
    void aLuceneIndexNotWrittenByFreshRagIsRefused() throws Exception {
        Path dir = tmp.resolve("foreign");
        try (FSDirectory directory = FSDirectory.open(dir);
                IndexWriter foreign = new IndexWriter(directory, new IndexWriterConfig())) {
            Document d = new Document();
            d.add(new StringField("id", "1", Field.Store.YES));
            foreign.addDocument(d);
            foreign.commit();
        }

        assertThatThrownBy(() -> writer(dir, FP)).isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("not written by FreshRAG");
        assertThatThrownBy(() -> reader(dir, FP, LuceneOptions.defaults()))
                .isInstanceOf(IndexMismatchException.class);
    }

    // ---- modes and lifecycle

    @Test
    void aReaderCannotWrite() {
        Path dir = tmp.resolve("idx");
        writer(dir, FP);
        LuceneReaderIndex reader = reader(dir, FP, LuceneOptions.defaults());

        // only the writer's type has write methods, so a query-service cannot even call one
        assertThat(reader).isNotInstanceOf(VectorIndexWriter.class);
        assertThat(reader.toString()).contains("reader");
    }

    @Test
    void closeStopsTheRefresherAndReleasesTheLock() {
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        LuceneReaderIndex reader = LuceneReaderIndex.open(dir, FP, LuceneOptions.defaults());
        String threadName = "freshrag-lucene-refresh[idx]";
        assertThat(threadNamed(threadName)).isTrue();

        reader.close();
        reader.close(); // idempotent
        writer.close();

        awaitTrue("the refresher thread ends", () -> !threadNamed(threadName));
        assertThat(reader.isHealthy()).isFalse();
        assertThat(writer.isHealthy()).isFalse();
        assertThatThrownBy(() -> reader.search(query(vector(1)))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> writer.upsert(List.of())).isInstanceOf(IllegalStateException.class);
        writer(dir, FP).close(); // the write lock is free again
    }

    @Test
    void vectorsBeyondLucenesDefaultLimitOf1024DimensionsAreWrittenAndRead() {
        IndexFingerprint wide = new IndexFingerprint("wide-model", 3072);
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex writer = writer(dir, wide);
        LuceneReaderIndex reader = reader(dir, wide, LuceneOptions.defaults());
        writer.upsert(IntStream.range(0, 20)
                .mapToObj(i -> point(T, "doc", chunk("c" + i), i, vector(i, 3072))).toList());
        writer.commit(SourceOffsets.NONE);

        reader.refreshNow();
        List<SearchHit> hits = reader.search(new SearchQuery(T, vector(7, 3072), 3, Map.of()));

        assertThat(hits).hasSize(3);
        assertThat(hits.get(0).chunkId()).isEqualTo(chunk("c7"));
        assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
    }

    @Test
    void filteredSearchOverManyPointsFindsEachPointByItsOwnVectorInItsTenant() {
        // enough points that the tenant filter leaves more than k candidates, so HNSW (not brute force) runs
        Path dir = tmp.resolve("idx");
        LuceneWriterIndex writer = writer(dir, new IndexFingerprint("m", 16),
                LuceneOptions.defaults().withHnsw(8, 50));
        List<IndexPoint> points = IntStream.range(0, 1000)
                .mapToObj(i -> point("t" + i % 5, "t" + i % 5 + "/doc-" + i / 50, chunk("p" + i), i, vector(i, 16)))
                .toList();
        writer.upsert(points);
        writer.commit(SourceOffsets.NONE);

        int misses = 0;
        for (int i = 0; i < points.size(); i += 19) {
            IndexPoint p = points.get(i);
            List<SearchHit> hits = writer.search(new SearchQuery(p.tenant(), p.vector(), 5, Map.of()));
            assertThat(hits).hasSize(5);
            assertThat(hits).extracting(SearchHit::docId).allMatch(docId -> docId.startsWith(p.tenant() + "/"));
            if (!hits.get(0).chunkId().equals(p.chunkId())) {
                misses++;
            }
        }
        assertThat(misses).as("points not found first by their own vector").isLessThanOrEqualTo(1);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> LuceneOptions.defaults().withHnsw(1, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LuceneOptions.defaults().withHnsw(16, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LuceneOptions.defaults().withRefreshInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LuceneOptions.defaults().refreshInterval()).isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> LuceneWriterIndex.open(tmp.resolve("x"), new IndexFingerprint("m", 0),
                LuceneOptions.defaults())).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- two real processes

    @Test
    void aWriterInAnotherProcessIsSeenByAReaderAndKill9LosesOnlyUncommittedWrites() throws Exception {
        Path dir = tmp.resolve("shared");
        LuceneReaderIndex reader = reader(dir, FP, LuceneOptions.defaults()); // before the index exists
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WriterProcess.class.getName(),
                dir.toString(), FP.modelId(), Integer.toString(FP.dimension()))
                .redirectErrorStream(true).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (Exception ignored) {
                    // the child died
                }
            }, "writer-process-output");
            pump.setDaemon(true);
            pump.start();
            awaitLine(lines, child, "COMMITTED", Duration.ofSeconds(60));

            awaitTrue("reader in this process sees the other process's commit",
                    () -> reader.chunkIds(WriterProcess.TENANT, "doc").contains(WriterProcess.COMMITTED));
            assertThat(reader.chunkIds(WriterProcess.TENANT, "doc")).containsExactly(WriterProcess.COMMITTED);
            assertThat(reader.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L)));
            assertThatThrownBy(() -> writer(dir, FP)).isInstanceOf(IndexUnavailableException.class);

            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(reader.isHealthy()).isTrue();
        assertThat(reader.chunkIds(WriterProcess.TENANT, "doc")).containsExactly(WriterProcess.COMMITTED);
        LuceneWriterIndex writer = writer(dir, FP);
        assertThat(writer.chunkIds(WriterProcess.TENANT, "doc")).containsExactly(WriterProcess.COMMITTED);
        assertThat(writer.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L)));
        assertThat(writer.commitGeneration()).isEqualTo(1);
        writer.upsert(List.of(point(WriterProcess.TENANT, "doc", chunk("after"), 2, vector(3))));
        writer.commit(new SourceOffsets(Map.of(0, 43L)));
        awaitTrue("reader sees the new writer's commit",
                () -> reader.chunkIds(WriterProcess.TENANT, "doc").size() == 2);
    }

    // ---- helpers

    private LuceneWriterIndex writer(Path dir, IndexFingerprint fp) {
        return writer(dir, fp, LuceneOptions.defaults());
    }

    private LuceneWriterIndex writer(Path dir, IndexFingerprint fp, LuceneOptions options) {
        LuceneWriterIndex index = LuceneWriterIndex.open(dir, fp, options);
        toClose.add(index);
        return index;
    }

    private LuceneReaderIndex reader(Path dir, IndexFingerprint fp, LuceneOptions options) {
        LuceneReaderIndex index = LuceneReaderIndex.open(dir, fp, options);
        toClose.add(index);
        return index;
    }

    private static SearchQuery query(float[] vector) {
        return new SearchQuery(T, vector, 10, Map.of());
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + PATIENCE + " waiting until " + what);
            }
            sleep(5);
        }
    }

    private static void awaitLine(BlockingQueue<String> lines, Process child, String prefix, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return;
                }
                seen.add(line);
            } else if (!child.isAlive()) {
                break;
            }
        }
        fail("the writer process did not print " + prefix + " (alive: " + child.isAlive() + "); its output:\n"
                + String.join("\n", seen));
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
