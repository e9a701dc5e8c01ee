package dev.freshrag.query.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.RankFusion;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.qdrant.InProcessQdrantProtocolDouble;
import dev.freshrag.query.config.QueryConfig;
import dev.freshrag.query.search.Retriever;
import dev.freshrag.query.tracing.RetrievalTracing;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.tokenizer.EmbeddingModel;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Following the Qdrant alias, on the {@link InProcessQdrantProtocolDouble} (a double of the Qdrant protocol, not of
 * Qdrant): g1's collection holds all-MiniLM-L6-v2 vectors, g2's bge-small-en-v1.5 vectors of the same texts, both real
 * models. The watcher notices the alias switch, loads bge and opens g2 before the swap; a request that took g1 before
 * finishes on g1 (model and vectors) and only then is g1's reader closed; the read-your-writes check reads the
 * searched generation's positions; a rollback switches back and closes bge.
 */
class QdrantGenerationWatchTest {

    private static final String ALIAS = "follow";
    private static final String TENANT = "acme";
    private static final String QUERY = "how long may a line of Python code be";
    private static final Generation G1 = new Generation(1, "all-minilm-l6-v2", 384, 256, GenerationState.ACTIVE, Instant.EPOCH);
    private static final Generation G2 = new Generation(2, "bge-small-en-v1.5", 384, 512, GenerationState.BUILDING, Instant.EPOCH);

    private static QueryConfig config;
    private static OnnxEmbedder minilm;
    private static OnnxEmbedder bge;

    @BeforeAll
    static void load() {
        config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("freshrag.embedding.target", "cpu", "freshrag.embedding.model", "all-minilm-l6-v2",
                        "freshrag.consistency.default-wait", "PT0.2S"), "test", 100))
                .withMapping(QueryConfig.class)
                .build()
                .getConfigMapping(QueryConfig.class);
        minilm = OnnxEmbedder.load(EmbedderStartup.options(config.embedding()));
        bge = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5));
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
    }

    @Test
    void theWatcherFollowsTheAliasWithModelAndReaderTogetherAndClosesTheOldSetWhenItsLastRequestIsDone() {
        try (InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start()) {
            try (VectorIndexWriter g1 = qdrant.openIndex(ALIAS, G1.fingerprint())) {
                fill(g1, minilm, 1, 10);
            }
            try (VectorIndexWriter g2 = qdrant.openGeneration(ALIAS, G2)) {
                fill(g2, bge, 2, 2);
            }
            VectorIndexReader start = qdrant.openPinned(ALIAS, G1.fingerprint());
            QueryModels models = new QueryModels(config.embedding(), minilm);
            List<GenerationSwitched> switches = new ArrayList<>();
            ServingGenerations sets = new ServingGenerations(new ServingSet(ServedGeneration.of(G1), minilm, start,
                    start::close), models, switches::add, Clock.systemUTC());
            Retriever retriever = new Retriever(sets, config, new RetrievalTracing(OpenTelemetry.noop()));
            try (GenerationWatcher watcher = new GenerationWatcher(new QdrantAliasSource(qdrant.aliasTargets(ALIAS),
                    fp -> qdrant.openPinned(ALIAS, fp)), sets, Duration.ofSeconds(30), Clock.systemUTC())) {
                assertThat(watcher.check()).as("the alias still names g1").isFalse();
                Retriever.Retrieval before = retriever.retrieve(TENANT, QUERY, "query", options());
                assertServedBy(before, "g1", minilm, 1);
                assertThat(before.consistent()).as("g1 applied offset 5").isTrue();

                ServingSet inFlight = sets.acquire(); // a request that took g1 before the switch
                qdrant.switchAlias(ALIAS, G1, G2);
                assertThat(watcher.check()).isTrue();

                assertThat(sets.served().id()).isEqualTo("g2");
                assertThat(sets.served().model()).isEqualTo("bge-small-en-v1.5");
                assertThat(sets.served().chunkMaxTokens()).as("g2's chunking, from its collection's metadata").isEqualTo(512);
                assertThat(models.loadedIds()).containsExactly("bge-small-en-v1.5");
                Retriever.Retrieval after = retriever.retrieve(TENANT, QUERY, "query", options());
                assertServedBy(after, "g2", bge, 2);
                assertThat(after.consistent()).as("g2 has not applied offset 5: its own positions are read").isFalse();
                assertThat(switches).singleElement().satisfies(s -> {
                    assertThat(s.from().id()).isEqualTo("g1");
                    assertThat(s.to().id()).isEqualTo("g2");
                });

                // the request that took g1 finishes on g1: its model and its vectors, still open
                assertThat(inFlight.isRetired()).isFalse();
                assertServedBy(retriever.retrieve(inFlight, TENANT, QUERY, "query", options()), "g1", minilm, 1);
                inFlight.close();
                assertThat(inFlight.isRetired()).as("closed once its last request was done").isTrue();

                qdrant.switchAlias(ALIAS, G2, G1); // rollback
                assertThat(watcher.check()).isTrue();
                assertServedBy(retriever.retrieve(TENANT, QUERY, "query", options()), "g1", minilm, 1);
                assertThat(models.loadedIds()).as("bge closed with the last set that used it").isEmpty();
                assertThat(sets.lastFailure()).isEmpty();

                ServingSet last = sets.acquire();
                sets.close(); // shutdown: no new request gets a set, and no switch opens one
                assertThatThrownBy(sets::acquire).isInstanceOf(IndexUnavailableException.class)
                        .hasMessageContaining("stopping");
                assertThat(last.isRetired()).as("a request in flight at shutdown keeps its set").isFalse();
                last.close();
                assertThat(last.isRetired()).isTrue();
                qdrant.switchAlias(ALIAS, G1, G2);
                assertThat(watcher.check()).isFalse();
                assertThat(models.loadedIds()).isEmpty();
            } finally {
                sets.close();
            }
        }
    }

    private static Retriever.Options options() {
        return new Retriever.Options(4, null, "dense", null,
                List.of(new WriteToken(TENANT, 0, 5).toString()), null);
    }

    private static void assertServedBy(Retriever.Retrieval r, String generation, OnnxEmbedder model, long version) {
        assertThat(r.generation().id()).isEqualTo(generation);
        float[] q = model.embedQuery(QUERY);
        float[][] chunks = model.embed(GenerationSwitchResourceTest.TEXTS);
        OnnxEmbedder other = model == bge ? minilm : bge;
        float[] otherQ = other.embedQuery(QUERY);
        float[][] otherChunks = other.embed(GenerationSwitchResourceTest.TEXTS);
        assertThat(r.fused()).hasSize(GenerationSwitchResourceTest.TEXTS.size());
        for (RankFusion.FusedHit f : r.fused()) {
            int i = Integer.parseInt(f.hit().docId().substring(1));
            assertThat(f.hit().version()).isEqualTo(version);
            float expected = dot(q, chunks[i]);
            assertThat(Math.abs(expected - dot(otherQ, otherChunks[i]))).as("the models' cosines differ").isGreaterThan(0.01f);
            assertThat(f.scores().get(Retriever.DENSE)).as("cosine of %s in %s", f.hit().docId(), generation)
                    .isCloseTo(expected, within(1e-3f));
        }
    }

    private static float dot(float[] a, float[] b) {
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }

    private static void fill(VectorIndexWriter w, OnnxEmbedder model, long version, long appliedUpTo) {
        List<String> texts = GenerationSwitchResourceTest.TEXTS;
        float[][] vectors = model.embed(texts);
        List<IndexPoint> points = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            points.add(new IndexPoint(TENANT, "d" + i, "d" + i + "-c0", 0, "h" + i, texts.get(i),
                    new DocumentPayload(version, "doc " + i, Map.of()), vectors[i], System.currentTimeMillis()));
        }
        w.upsert(points);
        w.commit(SourceOffsets.applied(0, appliedUpTo));
    }
}
