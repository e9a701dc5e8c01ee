package dev.freshrag.index.lucene;

import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/** The writer's codec: Lucene's default with the configured HNSW graph and no 1024-dimension limit. */
final class HnswCodec {

    private HnswCodec() {
    }

    static Codec of(LuceneOptions opts) {
        KnnVectorsFormat format = new AnyDimensionVectorsFormat(
                new Lucene99HnswVectorsFormat(opts.hnswMaxConn(), opts.hnswBeamWidth()));
        return new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    /**
     * Lucene's HNSW format under its own name (so any Lucene reads the files), but accepting vectors of more
     * than Lucene's default 1024 dimensions.
     */
    private static final class AnyDimensionVectorsFormat extends KnnVectorsFormat {
        private final KnnVectorsFormat delegate;

        AnyDimensionVectorsFormat(KnnVectorsFormat delegate) {
            super(delegate.getName());
            this.delegate = delegate;
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return LuceneVectorIndex.MAX_DIMENSION;
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
