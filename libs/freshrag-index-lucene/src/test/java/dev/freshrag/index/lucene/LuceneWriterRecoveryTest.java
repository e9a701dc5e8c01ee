package dev.freshrag.index.lucene;

import static dev.freshrag.index.VectorIndexBehaviour.chunk;
import static dev.freshrag.index.VectorIndexBehaviour.point;
import static dev.freshrag.index.VectorIndexBehaviour.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SourceOffsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that hit a fatal ("tragic") error, here a full disk during the flush of a commit, is reopened on the last
 * commit and the next write lands; if it cannot be reopened, {@link LuceneWriterIndex#isBroken()} says so (liveness).
 */
class LuceneWriterRecoveryTest {

    private static final IndexFingerprint FP = new IndexFingerprint("minilm-test", 8);
    private static final String T = "tenant-a";

    @TempDir
    Path tmp;

    private LuceneWriterIndex open(AtomicReference<FaultInjectingDirectory> faults) {
        return LuceneWriterIndex.open(tmp.resolve("idx"), FP, LuceneOptions.defaults(), d -> {
            FaultInjectingDirectory f = new FaultInjectingDirectory(d);
            faults.set(f);
            return f;
        });
    }

    @Test
    void aWriterThatHitAFatalErrorIsReopenedOnTheLastCommitAndTheNextBatchLands() {
        AtomicReference<FaultInjectingDirectory> faults = new AtomicReference<>();
        try (LuceneWriterIndex writer = open(faults)) {
            writer.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
            writer.commit(new SourceOffsets(Map.of(0, 5L)));
            long committed = writer.commitGeneration();

            Runnable batch = () -> {
                writer.upsert(List.of(point(T, "doc", chunk("c2"), 1, vector(2))));
                writer.commit(new SourceOffsets(Map.of(0, 9L)));
            };

            faults.get().refuseWrites = true;
            assertThatThrownBy(batch::run).isInstanceOf(IndexUnavailableException.class).hasMessageContaining("No space left");
            assertThat(writer.reopens()).as("the failure was fatal to the writer, which was reopened").isEqualTo(1);
            // the disk has room again: the retry of the batch (its writes were lost with the failed writer) lands
            faults.get().refuseWrites = false;
            assertThat(writer.commitGeneration()).as("back on the last durable commit").isEqualTo(committed);
            assertThat(writer.chunkIds(T, "doc")).as("uncommitted writes went with the failed writer").containsExactly(chunk("c1"));
            assertThat(writer.isHealthy()).isTrue();
            batch.run();
            assertThat(writer.chunkIds(T, "doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
            assertThat(writer.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 9L)));
            assertThat(writer.isBroken()).isFalse();
        }
        // what the retry committed is durable: a new writer (a restarted embed-service) finds it
        try (LuceneWriterIndex again = LuceneWriterIndex.open(tmp.resolve("idx"), FP, LuceneOptions.defaults())) {
            assertThat(again.chunkIds(T, "doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
            assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 9L)));
        }
    }

    @Test
    void aWriterThatCannotBeReopenedIsReportedBrokenUntilAReopenWorks() {
        AtomicReference<FaultInjectingDirectory> faults = new AtomicReference<>();
        try (LuceneWriterIndex writer = open(faults)) {
            Runnable batch = () -> {
                writer.upsert(List.of(point(T, "doc", chunk("c1"), 0, vector(1))));
                writer.commit(SourceOffsets.NONE);
            };
            faults.get().refuseWrites = true;
            faults.get().refuseLock = true;
            assertThatThrownBy(batch::run).isInstanceOf(IndexUnavailableException.class);
            assertThat(writer.isHealthy()).isFalse();
            for (int i = 1; i < LuceneWriterIndex.MAX_REOPEN_FAILURES; i++) {
                assertThat(writer.isBroken()).as("after %d failed reopens", i).isFalse();
                assertThatThrownBy(batch::run).isInstanceOf(IndexUnavailableException.class).hasMessageContaining("reopening");
            }
            assertThat(writer.isBroken()).isTrue();

            faults.get().refuseWrites = false;
            faults.get().refuseLock = false;
            batch.run();
            assertThat(writer.reopens()).isEqualTo(1);
            assertThat(writer.isBroken()).isFalse();
            assertThat(writer.chunkIds(T, "doc")).containsExactly(chunk("c1"));
        }
    }
}
