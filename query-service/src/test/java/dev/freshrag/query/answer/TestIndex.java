package dev.freshrag.query.answer;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The index the @QuarkusTest query-service reads: created (empty, with the real model's fingerprint) before the
 * application starts; tests write documents into it as the embed-service would, with real embeddings from the
 * application's own {@link Embedder}, and get the write token of each write.
 */
public final class TestIndex {

    public static final IndexFingerprint FINGERPRINT = new IndexFingerprint("all-minilm-l6-v2", 384);

    private TestIndex() {
    }

    /** Creates the index directory for the whole test run (all @QuarkusTest classes). */
    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path base = Path.of("target").toAbsolutePath();
                Files.createDirectories(base);
                Path dir = Files.createTempDirectory(base, "test-index-").resolve("index");
                LuceneWriterIndex.open(dir, FINGERPRINT, LuceneOptions.defaults()).close();
                return Map.of("freshrag.index.lucene.path", dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            // the directory stays under target/ for inspection
        }
    }

    /**
     * Replaces a document with the given chunks and commits, recording the next source offset of partition 0,
     * exactly as the embed-service does for a kb.doc-changes record. Returns that record's write token.
     */
    public static synchronized String put(Path dir, Embedder embedder, String tenant, String docId, long version, String title,
                                          List<String> chunks) {
        float[][] vectors = embedder.embed(chunks);
        try (LuceneWriterIndex w = LuceneWriterIndex.open(dir, FINGERPRINT, LuceneOptions.defaults())) {
            long offset = w.appliedSourceOffsets().next(0);
            w.deleteDocument(tenant, docId);
            List<IndexPoint> points = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                points.add(new IndexPoint(tenant, docId, UUID.randomUUID().toString(), i, sha256(chunks.get(i)), chunks.get(i),
                        new DocumentPayload(version, title, Map.of("team", "hr")), vectors[i], System.currentTimeMillis()));
            }
            w.upsert(points);
            w.commit(SourceOffsets.applied(0, offset));
            return new WriteToken(tenant, 0, offset).toString();
        }
    }

    /** A token of a write the index will not reflect for a long time. */
    public static String unreachedToken(String tenant) {
        return new WriteToken(tenant, 0, 999_999_999L).toString();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds the test resources every @QuarkusTest of this module uses: a broker and the index directory. */
    @QuarkusTestResource(value = dev.freshrag.testkit.KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
    @QuarkusTestResource(value = TestIndex.Resource.class, restrictToAnnotatedClass = false)
    public static final class Resources {
        private Resources() {
        }
    }
}
