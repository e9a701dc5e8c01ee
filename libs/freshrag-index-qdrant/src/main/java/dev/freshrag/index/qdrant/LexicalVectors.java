package dev.freshrag.index.qdrant;

import dev.freshrag.index.LexicalAnalysis;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Points.NamedVectors;
import io.qdrant.client.grpc.Points.SparseVector;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.VectorInput;
import io.qdrant.client.grpc.Points.Vectors;

/**
 * The lexical side of a FreshRAG collection: one named sparse vector, {@value #NAME}, beside the unnamed dense one.
 * FreshRAG computes its term ids and BM25 document values itself ({@link LexicalAnalysis}, the analysis the Lucene
 * adapter indexes with; the text's terms and the label's, see {@link LexicalAnalysis#label}) and Qdrant only
 * multiplies the query's values by each term's IDF ({@link Modifier#Idf}), so nothing needs Qdrant's server-side
 * inference and both adapters rank alike.
 */
final class LexicalVectors {

    /** The sparse vector's name in the collection. */
    static final String NAME = "lexical";
    /** Qdrant's name of the unnamed (default) vector inside a map of named vectors. */
    static final String DEFAULT_VECTOR = "";

    private LexicalVectors() {
    }

    /** The collection's sparse vector configuration: {@value #NAME} with the IDF modifier. */
    static SparseVectorConfig config() {
        return SparseVectorConfig.newBuilder()
                .putMap(NAME, SparseVectorParams.newBuilder().setModifier(Modifier.Idf).build())
                .build();
    }

    /** Whether a collection's sparse configuration has the lexical vector as FreshRAG creates it. */
    static boolean configured(SparseVectorConfig config) {
        SparseVectorParams params = config.getMapMap().get(NAME);
        return params != null && params.getModifier() == Modifier.Idf;
    }

    /**
     * A chunk's vectors: the dense one alone where the collection has no lexical vector, else both, the sparse one
     * left out when text and label have no terms (Qdrant would store an empty vector that never matches anyway).
     */
    static Vectors pointVectors(float[] dense, String text, String label, boolean lexical) {
        if (!lexical) {
            return Vectors.newBuilder().setVector(VectorFactory.vector(dense)).build();
        }
        NamedVectors.Builder named = NamedVectors.newBuilder().putVectors(DEFAULT_VECTOR, VectorFactory.vector(dense));
        LexicalAnalysis.SparseVector sparse = LexicalAnalysis.documentVector(text, label);
        if (!sparse.isEmpty()) {
            named.putVectors(NAME, Vector.newBuilder().setSparse(sparse(sparse)).build());
        }
        return Vectors.newBuilder().setVectors(named).build();
    }

    /**
     * The lexical vector alone, for a relabel that changed the title (the label is part of the lexical terms): an
     * update of this named vector leaves the dense one as it is. An empty one (text and label of stop words only)
     * replaces the old terms with none, which never matches.
     */
    static Vectors lexicalOnly(String text, String label) {
        return Vectors.newBuilder().setVectors(NamedVectors.newBuilder().putVectors(NAME,
                Vector.newBuilder().setSparse(sparse(LexicalAnalysis.documentVector(text, label))).build())).build();
    }

    /** The query side of a lexical search. */
    static VectorInput query(LexicalAnalysis.SparseVector q) {
        return VectorInput.newBuilder().setSparse(sparse(q)).build();
    }

    private static SparseVector sparse(LexicalAnalysis.SparseVector v) {
        SparseVector.Builder b = SparseVector.newBuilder();
        for (int i = 0; i < v.indices().length; i++) {
            b.addIndices(v.indices()[i]).addValues(v.values()[i]);
        }
        return b.build();
    }
}
