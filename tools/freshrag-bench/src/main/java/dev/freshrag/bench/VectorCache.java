package dev.freshrag.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chunk vectors kept on disk between benchmark runs: embedding a corpus with bge-small-en-v1.5 takes minutes on 2
 * cores, and the vectors of one model, corpus and chunking never change. The file name says what they are; a file
 * of another size is ignored.
 */
final class VectorCache {

    private VectorCache() {
    }

    /** The vectors, or null when the file is missing or holds another count or dimension. */
    static float[][] read(Path file, int count, int dimension) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != count || in.readInt() != dimension) {
                return null;
            }
            float[][] vectors = new float[count][dimension];
            for (float[] v : vectors) {
                for (int d = 0; d < dimension; d++) {
                    v[d] = in.readFloat();
                }
            }
            return vectors;
        }
    }

    static void write(Path file, float[][] vectors) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(vectors.length);
            out.writeInt(vectors.length == 0 ? 0 : vectors[0].length);
            for (float[] v : vectors) {
                for (float x : v) {
                    out.writeFloat(x);
                }
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
