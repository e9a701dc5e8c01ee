package dev.freshrag.index.lucene;

import static dev.freshrag.index.VectorIndexBehaviour.chunk;
import static dev.freshrag.index.VectorIndexBehaviour.point;
import static dev.freshrag.index.VectorIndexBehaviour.vector;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.SourceOffsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The writer side of {@link LuceneReaderWriterTest#aWriterInAnotherProcessIsSeenByAReaderAndKill9LosesOnlyUncommittedWrites}:
 * run in its own JVM, it commits one point, writes another without committing, says so on stdout and waits
 * to be killed.
 */
public final class WriterProcess {

    static final String TENANT = "tenant-x";
    static final String COMMITTED = chunk("committed");
    static final String UNCOMMITTED = chunk("uncommitted");

    private WriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        IndexFingerprint fingerprint = new IndexFingerprint(args[1], Integer.parseInt(args[2]));
        LuceneWriterIndex writer = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults());
        writer.upsert(List.of(point(TENANT, "doc", COMMITTED, 0, vector(1, fingerprint.dimension()))));
        writer.commit(new SourceOffsets(Map.of(0, 42L)));
        writer.upsert(List.of(point(TENANT, "doc", UNCOMMITTED, 1, vector(2, fingerprint.dimension()))));
        writer.refreshNow(); // the uncommitted write is in the writer's memory, maybe flushed, but not committed
        System.out.println("COMMITTED " + writer.commitGeneration());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // killed with SIGKILL by the test, never closed
    }
}
