package dev.freshrag.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.RankFusion;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.query.config.QueryConfig;
import dev.freshrag.query.generation.ServedGeneration;
import dev.freshrag.query.generation.ServingSet;
import dev.freshrag.query.tracing.RetrievalTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query-service with {@code freshrag.embedding.model=bge-small-en-v1.5}: the dense branch searches with the query
 * embedded as a query (the model's instruction in front), the chunks were indexed without it, and an index written
 * with MiniLM refuses to open for bge although both have 384 dimensions. Real model, real Lucene index.
 */
class BgeQueryInstructionTest {

    private static final String PASSAGE = "Tabs or spaces? Spaces are the preferred indentation method; use four"
            + " spaces per indentation level.";
    private static final String QUERY = "how many spaces per indentation level";

    private static QueryConfig config;
    private static OnnxEmbedder bge;

    @BeforeAll
    static void load() {
        config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("freshrag.embedding.model", "bge-small-en-v1.5",
                        "freshrag.embedding.target", "cpu"), "test", 100))
                .withMapping(QueryConfig.class)
                .build()
                .getConfigMapping(QueryConfig.class);
        bge = OnnxEmbedder.load(EmbedderStartup.options(config.embedding()));
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    private static IndexFingerprint fingerprint(OnnxEmbedder embedder) {
        return new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
    }

    @Test
    void theDenseBranchSearchesWithTheQueryInstructionAgainstPlainChunks(@TempDir Path dir) {
        float[] chunkVector = bge.embed(PASSAGE);
        try (LuceneWriterIndex writer = LuceneWriterIndex.open(dir, fingerprint(bge), LuceneOptions.defaults())) {
            writer.upsert(List.of(new IndexPoint("acme", "pep-8", "c1", 0, "h", PASSAGE,
                    new DocumentPayload(1, "PEP 8", Map.of()), chunkVector, System.currentTimeMillis())));
            writer.commit(SourceOffsets.applied(0, 0));
        }
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, fingerprint(bge), LuceneOptions.defaults())) {
            Retriever retriever = new Retriever(null, config, new RetrievalTracing(OpenTelemetry.noop()));
            ServingSet set = new ServingSet(new ServedGeneration(1, "bge-small-en-v1.5", 384, null, "active"), bge, reader,
                    () -> { });

            List<RankFusion.FusedHit> hits = retriever.retrieve(set, "acme", QUERY, "query",
                    new Retriever.Options(1, null, "dense", null, null, null)).fused();

            assertThat(hits).hasSize(1);
            double withInstruction = dot(bge.embedQuery(QUERY), chunkVector);
            double without = dot(bge.embed(QUERY), chunkVector);
            // the two cosines differ enough that the score tells which vector the service searched with
            assertThat(Math.abs(withInstruction - without)).isGreaterThan(0.01);
            assertThat(hits.get(0).scores().get(Retriever.DENSE)).isCloseTo((float) withInstruction, within(1e-4f));
        }
    }

    @Test
    void anIndexWrittenWithMiniLmRefusesBgeThoughBothHave384Dimensions(@TempDir Path dir) {
        IndexFingerprint minilm = new IndexFingerprint(EmbedderOptions.defaults().modelId(), 384);
        LuceneWriterIndex.open(dir, minilm, LuceneOptions.defaults()).close();

        assertThat(fingerprint(bge)).isEqualTo(new IndexFingerprint("bge-small-en-v1.5", 384));
        assertThatThrownBy(() -> LuceneReaderIndex.open(dir, fingerprint(bge), LuceneOptions.defaults()))
                .isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("bge-small-en-v1.5").hasMessageContaining("all-minilm-l6-v2");
        assertThatThrownBy(() -> LuceneWriterIndex.open(dir, fingerprint(bge), LuceneOptions.defaults()))
                .isInstanceOf(IndexMismatchException.class);
        assertThat(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU).modelId()).isEqualTo("all-minilm-l6-v2");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
