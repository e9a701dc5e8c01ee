package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.PreparedPoints;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * A large write's points indexed ahead, in memory, by a writer of their own with the index's own configuration (codec,
 * HNSW parameters): Lucene builds a segment's HNSW graph as its vectors are added, which for thousands of points
 * takes seconds (about 1-2 ms per 384-dimension vector on this project's 2-core machine), and doing that on the
 * index's writer would hold every other write, the live lane's included, behind it. {@link LuceneWriterIndex} then
 * adds the finished segment with {@code IndexWriter.addIndexes}, which copies it without rebuilding the graph.
 * Holds the segment in heap (a 5 MiB document of about 14,000 chunks: about 25 MB) until closed.
 */
final class SideSegment implements PreparedPoints {

    private static final double SIDE_RAM_BUFFER_MB = 256;

    private final LuceneWriterIndex owner;
    private final List<IndexPoint> points;
    private final Term[] keys;
    private final Directory directory;

    private SideSegment(LuceneWriterIndex owner, List<IndexPoint> points, Term[] keys, Directory directory) {
        this.owner = owner;
        this.points = points;
        this.keys = keys;
        this.directory = directory;
    }

    /** Indexes {@code docs} (already validated, one per point, with their chunk keys) into a new in-memory segment. */
    static SideSegment build(LuceneWriterIndex owner, List<IndexPoint> points, List<Document> docs, List<Term> keys,
                             IndexWriterConfig config) throws IOException {
        Directory directory = new ByteBuffersDirectory();
        // one segment, one graph: the largest document allowed (20,000 chunks) needs about 60 MB in the buffer; a flush
        // at the index's own 16 MB would cut it into several segments, each searched (and later merged) on its own
        config.setRAMBufferSizeMB(SIDE_RAM_BUFFER_MB);
        try (IndexWriter side = new IndexWriter(directory, config)) {
            side.addDocuments(docs);
            side.commit();
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        return new SideSegment(owner, List.copyOf(points), keys.toArray(Term[]::new), directory);
    }

    boolean preparedBy(LuceneWriterIndex index) {
        return owner == index;
    }

    /** The chunk keys of the points: deleted from the index before the segment is added, as updateDocument would. */
    Term[] keys() {
        return keys;
    }

    Directory directory() {
        return directory;
    }

    @Override
    public List<IndexPoint> points() {
        return points;
    }

    @Override
    public void close() {
        try {
            directory.close();
        } catch (IOException e) {
            // an in-memory directory: nothing to release but heap
        }
    }
}
