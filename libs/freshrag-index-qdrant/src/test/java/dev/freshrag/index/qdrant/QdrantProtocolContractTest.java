package dev.freshrag.index.qdrant;

import static dev.freshrag.index.VectorIndexBehaviour.chunk;
import static dev.freshrag.index.VectorIndexBehaviour.point;
import static dev.freshrag.index.VectorIndexBehaviour.vector;
import static dev.freshrag.index.VectorIndexBehaviour.withMetadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.LexicalAnalysis;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import io.grpc.Status;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.ChangeAliases;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.HasIdCondition;
import io.qdrant.client.grpc.Common.Match;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.CountPoints;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.FieldType;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsUpdateOperation;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.SetPayloadPoints;
import io.qdrant.client.grpc.Points.UpdateBatchPoints;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The exact requests the adapter sends, asserted on the {@link InProcessQdrantProtocolDouble} (a recording double of
 * Qdrant's gRPC protocol, not Qdrant), and how it maps Qdrant's failures.
 *
 * <p>These pin down the properties that would be dangerous to lose silently and that a behaviour test on a single
 * node cannot see: every write waits, every read and delete is tenant-scoped inside the adapter, everything goes
 * through the alias, and the collection is created with the right geometry and indexes.
 */
class QdrantProtocolContractTest {

    static final IndexFingerprint MINILM = new IndexFingerprint("all-MiniLM-L6-v2", 8);
    static final String COLLECTION = "freshrag-all-minilm-l6-v2-g1";
    static final String ALIAS = QdrantOptions.DEFAULT_ALIAS;
    static final String A = "tenant-a";
    static final String B = "tenant-b";

    final InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start();
    final List<QdrantVectorIndex> opened = new ArrayList<>();

    @AfterEach
    void tearDown() {
        opened.forEach(QdrantVectorIndex::close);
        qdrant.close();
    }

    QdrantOptions options() {
        return QdrantOptions.defaults().withTimeout(Duration.ofSeconds(5));
    }

    /** Opens with a client whose construction-time calls are not recorded, so only the adapter's requests remain. */
    QdrantVectorIndex open(QdrantOptions options, IndexFingerprint fingerprint) {
        QdrantClient client = qdrant.newClient();
        qdrant.clearRequests();
        try {
            QdrantVectorIndex index = QdrantVectorIndex.open(client, options, fingerprint);
            opened.add(index);
            return index;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    QdrantVectorIndex open() {
        return open(options(), MINILM);
    }

    static Condition keyword(String key, String value) {
        return Condition.newBuilder().setField(FieldCondition.newBuilder().setKey(key)
                .setMatch(Match.newBuilder().setKeyword(value))).build();
    }

    static Condition hasIds(String tenant, String... chunkIds) {
        HasIdCondition.Builder has = HasIdCondition.newBuilder();
        for (String c : chunkIds) {
            has.addHasId(PointId.newBuilder().setUuid(PointIds.of(tenant, c).toString()));
        }
        return Condition.newBuilder().setHasId(has).build();
    }

    static PointId pointId(UUID uuid) {
        return PointId.newBuilder().setUuid(uuid.toString()).build();
    }

    /** Writes documents of two tenants, as most tests need. */
    static void seed(QdrantVectorIndex index) {
        index.upsert(List.of(point(A, "doc", chunk("c1"), 0, vector(1)), point(A, "doc", chunk("c2"), 1, vector(2)),
                point(B, "doc", chunk("c1"), 0, vector(3))));
    }

    // =====================================================================================================

    @Nested
    class Bootstrap {

        @Test
        void createsTheModelsCollectionThenItsPayloadIndexesThenTheAlias() {
            QdrantVectorIndex index = open();

            assertThat(qdrant.methods()).containsExactly(
                    "qdrant.Qdrant/HealthCheck",
                    "qdrant.Collections/ListAliases",
                    "qdrant.Collections/CollectionExists",
                    "qdrant.Collections/Create",
                    "qdrant.Collections/Get",
                    "qdrant.Points/CreateFieldIndex",
                    "qdrant.Points/CreateFieldIndex",
                    "qdrant.Points/CreateFieldIndex",
                    "qdrant.Points/CreateFieldIndex",
                    // the alias comes last: once it exists, the collection is complete
                    "qdrant.Collections/UpdateAliases");
            assertThat(index.collection()).isEqualTo(COLLECTION);
            assertThat(index.alias()).isEqualTo(ALIAS);
            assertThat(qdrant.aliases()).containsExactly(Map.entry(ALIAS, COLLECTION));

            CreateCollection create = qdrant.requests(CreateCollection.class).get(0);
            assertThat(create.getCollectionName()).isEqualTo(COLLECTION);
            assertThat(create.getVectorsConfig().hasParams()).as("one unnamed vector").isTrue();
            assertThat(create.getVectorsConfig().getParams().getSize()).isEqualTo(8);
            assertThat(create.getVectorsConfig().getParams().getDistance()).isEqualTo(Distance.Cosine);
            // lexical search: one named sparse vector whose query values Qdrant multiplies by the term's IDF
            assertThat(create.getSparseVectorsConfig().getMapMap()).containsOnlyKeys("lexical");
            assertThat(create.getSparseVectorsConfig().getMapMap().get("lexical").getModifier())
                    .isEqualTo(io.qdrant.client.grpc.Collections.Modifier.Idf);
            assertThat(create.getMetadataMap()).containsEntry("freshrag.model", ChunkPayloads.string("all-MiniLM-L6-v2"))
                    .containsEntry("freshrag.dimension", ChunkPayloads.integer(8))
                    .containsEntry("freshrag.generation", ChunkPayloads.integer(1));
            assertThat(create.hasShardNumber()).as("Qdrant chooses unless configured").isFalse();
            assertThat(create.hasReplicationFactor()).isFalse();
        }

        @Test
        void theTenantIndexIsATenantIndexAndEveryIndexIsWaitedFor() {
            open();

            List<CreateFieldIndexCollection> indexes = qdrant.requests(CreateFieldIndexCollection.class);
            assertThat(indexes).extracting(CreateFieldIndexCollection::getFieldName)
                    .containsExactly("tenant", "docId", "version", "metaTerms");
            assertThat(indexes).allSatisfy(i -> {
                assertThat(i.getCollectionName()).isEqualTo(COLLECTION);
                assertThat(i.getWait()).isTrue();
            });
            CreateFieldIndexCollection tenant = indexes.get(0);
            assertThat(tenant.getFieldType()).isEqualTo(FieldType.FieldTypeKeyword);
            assertThat(tenant.getFieldIndexParams().getKeywordIndexParams().getIsTenant()).isTrue();
            CreateFieldIndexCollection docId = indexes.get(1);
            assertThat(docId.getFieldType()).isEqualTo(FieldType.FieldTypeKeyword);
            assertThat(docId.getFieldIndexParams().getKeywordIndexParams().getIsTenant()).isFalse();
            CreateFieldIndexCollection version = indexes.get(2);
            assertThat(version.getFieldType()).isEqualTo(FieldType.FieldTypeInteger);
            assertThat(version.getFieldIndexParams().getIntegerIndexParams().getRange()).isTrue();
            assertThat(indexes.get(3).getFieldType()).isEqualTo(FieldType.FieldTypeKeyword);
        }

        @Test
        void shardsAndReplicasAreSetOnlyWhenConfigured() {
            open(options().withShardNumber(6).withReplicationFactor(2), MINILM);

            CreateCollection create = qdrant.requests(CreateCollection.class).get(0);
            assertThat(create.getShardNumber()).isEqualTo(6);
            assertThat(create.getReplicationFactor()).isEqualTo(2);
        }

        @Test
        void theCollectionIsNamedAfterPrefixModelAndGeneration() {
            assertThat(CollectionBootstrap.collectionName("freshrag", new IndexFingerprint("all-MiniLM-L6-v2", 384), 1))
                    .isEqualTo("freshrag-all-minilm-l6-v2-g1");
            assertThat(CollectionBootstrap.collectionName("kb", new IndexFingerprint("BAAI/bge-small-en-v1.5", 384), 2))
                    .isEqualTo("kb-baai-bge-small-en-v1-5-g2");
            assertThat(CollectionBootstrap.collectionName("kb", new IndexFingerprint("///", 3), 1)).isEqualTo("kb-model-g1");
        }

        @Test
        void anExistingAliasIsReusedAndNothingIsCreated() {
            open().close();

            QdrantVectorIndex again = open();

            assertThat(qdrant.methods()).containsExactly("qdrant.Qdrant/HealthCheck",
                    "qdrant.Collections/ListAliases", "qdrant.Collections/Get");
            assertThat(again.collection()).isEqualTo(COLLECTION);
        }

        @Test
        void theAliasDecidesWhichCollectionIsUsedWhateverItsName() {
            createRaw("hand-made", 8, Distance.Cosine, "all-MiniLM-L6-v2");
            aliasRaw(ALIAS, "hand-made");

            QdrantVectorIndex index = open();
            index.upsert(List.of(point(A, "doc", chunk("c1"), 0, vector(1))));

            assertThat(index.collection()).isEqualTo("hand-made");
            assertThat(qdrant.pointIds("hand-made")).contains(PointIds.of(A, chunk("c1")).toString());
            assertThat(qdrant.requests(CreateCollection.class)).isEmpty();
            // its missing payload indexes are added
            assertThat(qdrant.requests(CreateFieldIndexCollection.class)).hasSize(4)
                    .allSatisfy(i -> assertThat(i.getCollectionName()).isEqualTo("hand-made"));
        }

        @Test
        void aCollectionLeftWithoutAliasIsCheckedAndAliasedNotCreatedAgain() {
            createRaw(COLLECTION, 8, Distance.Cosine, "all-MiniLM-L6-v2");

            QdrantVectorIndex index = open();

            assertThat(qdrant.requests(CreateCollection.class)).isEmpty();
            assertThat(qdrant.requests(ChangeAliases.class)).hasSize(1);
            assertThat(index.collection()).isEqualTo(COLLECTION);
        }

        @Test
        void anIndexOfAnotherModelWithTheSameDimensionIsRefused() {
            open().close();

            assertThatThrownBy(() -> open(options(), new IndexFingerprint("bge-small-en-v1.5", 8)))
                    .isInstanceOf(IndexMismatchException.class)
                    .hasMessageContaining(COLLECTION).hasMessageContaining("all-MiniLM-L6-v2")
                    .hasMessageContaining("bge-small-en-v1.5");
            assertThat(qdrant.requests(CreateCollection.class)).isEmpty();
            assertThat(qdrant.requests(ChangeAliases.class)).as("the alias is left alone").isEmpty();
            assertThat(qdrant.aliases()).containsExactly(Map.entry(ALIAS, COLLECTION));
        }

        @Test
        void anIndexOfAnotherDimensionIsRefused() {
            open().close();

            assertThatThrownBy(() -> open(options(), new IndexFingerprint("all-MiniLM-L6-v2", 384)))
                    .isInstanceOf(IndexMismatchException.class).hasMessageContaining("384");
        }

        @Test
        void aCollectionNotMadeByFreshragIsRefused() {
            createRaw("foreign", 8, Distance.Cosine, null);
            aliasRaw(ALIAS, "foreign");

            assertThatThrownBy(QdrantProtocolContractTest.this::open).isInstanceOf(IndexMismatchException.class)
                    .hasMessageContaining("freshrag.model");
            assertThat(qdrant.requests(CreateFieldIndexCollection.class)).as("nothing is changed").isEmpty();
        }

        @Test
        void aCollectionWithAnotherDistanceIsRefused() {
            createRaw("dotted", 8, Distance.Dot, "all-MiniLM-L6-v2");
            aliasRaw(ALIAS, "dotted");

            assertThatThrownBy(QdrantProtocolContractTest.this::open).isInstanceOf(IndexMismatchException.class).hasMessageContaining("Dot");
        }

        private void createRaw(String name, int size, Distance distance, String model) {
            try (QdrantClient raw = qdrant.newClient()) {
                CreateCollection.Builder create = CreateCollection.newBuilder().setCollectionName(name)
                        .setVectorsConfig(VectorsConfig.newBuilder().setParams(VectorParams.newBuilder()
                                .setSize(size).setDistance(distance)));
                if (model != null) {
                    create.putMetadata("freshrag.model", ChunkPayloads.string(model));
                }
                raw.createCollectionAsync(create.build()).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private void aliasRaw(String alias, String collection) {
            try (QdrantClient raw = qdrant.newClient()) {
                raw.updateAliasesAsync(List.of(AliasOperations.newBuilder().setCreateAlias(CreateAlias.newBuilder()
                        .setAliasName(alias).setCollectionName(collection)).build())).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // =====================================================================================================

    @Nested
    class Writes {

        /** Exercises every write the port has, so the assertions below see each kind of request. */
        private QdrantVectorIndex everyWrite() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();
            seed(index);
            index.updatePayload(A, "doc", new DocumentPayload(2, "t2", Map.of("lang", "en")),
                    Map.of(chunk("c1"), 1, chunk("c2"), 0));
            index.deletePoints(A, "doc", List.of(chunk("c2")));
            index.deleteDocument(B, "doc");
            index.commit(new SourceOffsets(Map.of(0, 12L)));
            return index;
        }

        @Test
        void everyWriteWaitsForCompletion() {
            everyWrite();

            List<Message> writes = qdrant.requests().stream().map(InProcessQdrantProtocolDouble.Recorded::request)
                    .filter(m -> m.getDescriptorForType().findFieldByName("wait") != null).toList();
            assertThat(writes).extracting(m -> m.getClass().getSimpleName()).contains("UpsertPoints",
                    "UpdateBatchPoints", "DeletePoints");
            assertThat(writes).allSatisfy(m -> {
                FieldDescriptor wait = m.getDescriptorForType().findFieldByName("wait");
                assertThat(m.hasField(wait)).as("%s sets wait", m.getClass().getSimpleName()).isTrue();
                assertThat(m.getField(wait)).as("%s waits", m.getClass().getSimpleName()).isEqualTo(true);
            });
        }

        @Test
        void everyPointRequestGoesThroughTheAlias() {
            QdrantVectorIndex index = everyWrite();
            index.search(new SearchQuery(A, vector(1), 3, Map.of()));
            index.document(A, "doc");
            index.chunkIds(A, "doc");
            index.appliedSourceOffsets();

            List<InProcessQdrantProtocolDouble.Recorded> pointRequests = qdrant.requests().stream()
                    .filter(r -> r.method().startsWith("qdrant.Points/")).toList();
            assertThat(pointRequests).extracting(InProcessQdrantProtocolDouble.Recorded::method).contains(
                    "qdrant.Points/Upsert", "qdrant.Points/UpdateBatch", "qdrant.Points/Delete", "qdrant.Points/Get",
                    "qdrant.Points/Query", "qdrant.Points/Scroll");
            assertThat(pointRequests).allSatisfy(r -> {
                FieldDescriptor collection = r.request().getDescriptorForType().findFieldByName("collection_name");
                assertThat(r.request().getField(collection)).as(r.method()).isEqualTo(ALIAS);
            });
        }

        @Test
        void upsertSendsDerivedIdsTheVectorAndTheFullPayload() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();
            IndexPoint p = withMetadata(point(A, "kb/a.md", chunk("c1"), 3, vector(1)), Map.of("lang", "en"));
            IndexPoint sameChunkOtherTenant = point(B, "kb/a.md", chunk("c1"), 0, vector(2));

            index.upsert(List.of(p, sameChunkOtherTenant));

            UpsertPoints upsert = qdrant.requests(UpsertPoints.class).get(0);
            assertThat(upsert.getPointsList()).extracting(PointStruct::getId).containsExactly(
                    pointId(PointIds.of(A, chunk("c1"))), pointId(PointIds.of(B, chunk("c1"))));
            PointStruct sent = upsert.getPoints(0);
            // the dense vector is the unnamed one (named ""), beside the lexical sparse vector of the analysed text
            io.qdrant.client.grpc.Points.Vector dense = sent.getVectors().getVectors().getVectorsMap().get("");
            assertThat(dense.getDense().getDataList()).hasSize(8);
            assertThat(dense.getDense().getData(0)).isEqualTo(p.vector()[0]);
            // the text's terms and the label's (title and docId) under their own ids
            LexicalAnalysis.SparseVector terms = LexicalAnalysis.documentVector(p.text(),
                    LexicalAnalysis.label("title of kb/a.md", "kb/a.md"));
            assertThat(terms.indices()).contains(LexicalAnalysis.labelTermId("titl"), LexicalAnalysis.termId("text"));
            io.qdrant.client.grpc.Points.SparseVector sparse = sent.getVectors().getVectors().getVectorsMap()
                    .get("lexical").getSparse();
            assertThat(sparse.getIndicesList()).containsExactly(
                    java.util.Arrays.stream(terms.indices()).boxed().toArray(Integer[]::new));
            assertThat(sparse.getValuesCount()).isEqualTo(terms.values().length).isPositive();
            Map<String, Value> payload = sent.getPayloadMap();
            assertThat(payload).containsEntry("tenant", ChunkPayloads.string(A))
                    .containsEntry("docId", ChunkPayloads.string("kb/a.md"))
                    .containsEntry("chunkId", ChunkPayloads.string(chunk("c1")))
                    .containsEntry("seq", ChunkPayloads.integer(3))
                    .containsEntry("hash", ChunkPayloads.string(p.hash()))
                    .containsEntry("text", ChunkPayloads.string(p.text()))
                    .containsEntry("title", ChunkPayloads.string("title of kb/a.md"))
                    .containsEntry("version", ChunkPayloads.integer(1))
                    .containsEntry("indexedAt", ChunkPayloads.integer(p.indexedAt()))
                    .containsEntry("metadata", ChunkPayloads.struct(Map.of("lang", "en")));
            assertThat(payload.get("metaTerms").getListValue().getValuesList())
                    .containsExactly(ChunkPayloads.string("4:lang=en"));
        }

        @Test
        void deletePointsNamesTheIdsAndStillRequiresTenantAndDocument() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();

            index.deletePoints(A, "doc", List.of(chunk("c1"), chunk("c2")));

            DeletePoints delete = qdrant.requests(DeletePoints.class).get(0);
            assertThat(delete.getPoints().hasFilter()).as("by filter, not by bare ids").isTrue();
            assertThat(delete.getPoints().getFilter()).isEqualTo(Filter.newBuilder()
                    .addMust(keyword("tenant", A)).addMust(keyword("docId", "doc"))
                    .addMust(hasIds(A, chunk("c1"), chunk("c2"))).build());
        }

        @Test
        void deleteDocumentIsOneFilteredDelete() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();

            index.deleteDocument(A, "kb/x.md");

            assertThat(qdrant.requests(DeletePoints.class)).singleElement().satisfies(d -> assertThat(
                    d.getPoints().getFilter()).isEqualTo(Filter.newBuilder().addMust(keyword("tenant", A))
                    .addMust(keyword("docId", "kb/x.md")).build()));
        }

        @Test
        void updatePayloadReadsIdentitiesOnlyThenSetsEachPresentPointsFieldsFencedByVersion() {
            QdrantVectorIndex index = open();
            seed(index);
            qdrant.clearRequests();

            List<String> missing = index.updatePayload(A, "doc", new DocumentPayload(5, null, Map.of()),
                    Map.of(chunk("c1"), 4, chunk("ghost"), 9));

            assertThat(missing).containsExactly(chunk("ghost"));
            GetPoints get = qdrant.requests(GetPoints.class).get(0);
            assertThat(get.getIdsList()).containsExactlyInAnyOrder(pointId(PointIds.of(A, chunk("c1"))),
                    pointId(PointIds.of(A, chunk("ghost"))));
            assertThat(get.getWithPayload().getInclude().getFieldsList()).as("not the text")
                    .containsExactlyInAnyOrder("tenant", "docId", "chunkId", "title");
            UpdateBatchPoints batch = qdrant.requests(UpdateBatchPoints.class).get(0);
            assertThat(batch.getOrdering().getType()).isEqualTo(io.qdrant.client.grpc.Points.WriteOrderingType.Strong);
            // the title changed (to none): the lexical vector, whose label holds the title, is rebuilt from the text
            GetPoints texts = qdrant.requests(GetPoints.class).get(1);
            assertThat(texts.getIdsList()).containsExactly(pointId(PointIds.of(A, chunk("c1"))));
            assertThat(texts.getWithPayload().getInclude().getFieldsList()).contains("text");
            assertThat(batch.getOperationsList()).hasSize(2);
            PointsUpdateOperation.UpdateVectors vectors = batch.getOperations(1).getUpdateVectors();
            assertThat(vectors.getUpdateFilter()).isEqualTo(Filter.newBuilder()
                    .addMust(keyword("tenant", A)).addMust(keyword("docId", "doc"))
                    .addMust(QdrantChunkWriter.versionAtOrBelow(5)).build());
            LexicalAnalysis.SparseVector rebuilt = LexicalAnalysis.documentVector("text of " + chunk("c1"), "doc");
            assertThat(vectors.getPointsList()).singleElement().satisfies(pv -> {
                assertThat(pv.getVectors().getVectors().getVectorsMap()).containsOnlyKeys("lexical");
                assertThat(pv.getVectors().getVectors().getVectorsMap().get("lexical").getSparse().getIndicesList())
                        .containsExactly(java.util.Arrays.stream(rebuilt.indices()).boxed().toArray(Integer[]::new));
            });
            assertThat(batch.getOperationsList()).first().satisfies(op -> {
                PointsUpdateOperation.SetPayload set = op.getSetPayload();
                assertThat(set.getPointsSelector().getFilter()).isEqualTo(Filter.newBuilder()
                        .addMust(keyword("tenant", A)).addMust(keyword("docId", "doc"))
                        .addMust(hasIds(A, chunk("c1"))).addMust(QdrantChunkWriter.versionAtOrBelow(5)).build());
                assertThat(set.getPayloadMap()).containsEntry("version", ChunkPayloads.integer(5))
                        .containsEntry("seq", ChunkPayloads.integer(4))
                        .containsKeys("metadata", "metaTerms")
                        .doesNotContainKeys("text", "hash", "tenant", "docId", "chunkId", "indexedAt");
                assertThat(set.getPayloadMap().get("title").hasNullValue()).as("an absent title is cleared").isTrue();
            });
            // the stored text stays, and the old title is gone
            assertThat(index.search(new SearchQuery(A, vector(1), 10, Map.of())))
                    .filteredOn(h -> h.chunkId().equals(chunk("c1"))).singleElement().satisfies(h -> {
                        assertThat(h.text()).isEqualTo("text of " + chunk("c1"));
                        assertThat(h.title()).isNull();
                        assertThat(h.version()).isEqualTo(5);
                    });
        }

        @Test
        void commitWritesOnePointPerPartitionConditionalOnMovingForwardWithoutReadingFirst() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();

            index.commit(new SourceOffsets(Map.of(0, 12L, 3, 4L)));
            index.commit(new SourceOffsets(Map.of(0, 7L))); // behind: written, but refused by the condition
            index.commit(SourceOffsets.NONE);

            assertThat(qdrant.requests(GetPoints.class)).as("no read-merge-write").isEmpty();
            List<UpsertPoints> upserts = qdrant.requests(UpsertPoints.class);
            assertThat(upserts).hasSize(3).allSatisfy(u -> {
                assertThat(u.getPointsList()).singleElement().satisfies(p -> assertThat(p.getPayloadMap())
                        .containsEntry("tenant", ChunkPayloads.string(QdrantVectorIndex.RESERVED_TENANT)));
                assertThat(u.hasUpdateFilter()).isTrue();
            });
            assertThat(upserts.get(2).getPoints(0).getId())
                    .isEqualTo(pointId(PartitionOffsetPoint.id(dev.freshrag.index.Lane.LIVE, 0)));
            assertThat(upserts.get(2).getUpdateFilter()).isEqualTo(PartitionOffsetPoint.onlyForward(7));
            assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 12L, 3, 4L)));
            assertThat(index.appliedSourceOffsets(dev.freshrag.index.Lane.BULK)).isEqualTo(SourceOffsets.NONE);
        }

        @Test
        void theLiveLanesDeferredOffsetsAreKeptApartFromBothLanes() {
            QdrantVectorIndex index = open();
            assertThat(index.appliedSourceOffsets(dev.freshrag.index.Lane.LIVE_DEFERRED)).as("none before any").isEqualTo(SourceOffsets.NONE);

            index.commit(dev.freshrag.index.Lane.LIVE_DEFERRED, new SourceOffsets(Map.of(2, 11L)));
            index.commit(dev.freshrag.index.Lane.LIVE_DEFERRED, new SourceOffsets(Map.of(2, 5L))); // behind: refused
            index.commit(new SourceOffsets(Map.of(2, 14L)));

            assertThat(index.appliedSourceOffsets(dev.freshrag.index.Lane.LIVE_DEFERRED)).isEqualTo(new SourceOffsets(Map.of(2, 11L)));
            assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(2, 14L)));
            assertThat(index.appliedSourceOffsets(dev.freshrag.index.Lane.BULK)).isEqualTo(SourceOffsets.NONE);
        }

        @Test
        void theReservedTenantIsRefusedEverywhere() {
            QdrantVectorIndex index = open();
            String reserved = QdrantVectorIndex.RESERVED_TENANT;
            qdrant.clearRequests();

            assertThatThrownBy(() -> index.upsert(List.of(point(reserved, "d", chunk("x"), 0, vector(1)))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> index.search(new SearchQuery(reserved, vector(1), 1, Map.of())))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> index.deleteDocument(reserved, "d")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> index.chunkIds(reserved, "d")).isInstanceOf(IllegalArgumentException.class);
            assertThat(qdrant.requests()).as("refused before any request").isEmpty();
        }
    }

    // =====================================================================================================

    @Nested
    class Reads {

        @Test
        void everySearchScrollCountAndDeleteCarriesTheTenantConditionExactlyOnce() {
            QdrantVectorIndex index = open();
            seed(index);
            qdrant.clearRequests();

            index.search(new SearchQuery(A, vector(1), 5, Map.of()));
            index.search(new SearchQuery(A, vector(1), 5, Map.of("tenant", B, "_tenant", B, "lang", "en")));
            index.document(A, "doc");
            index.chunkIds(A, "doc");
            index.updatePayload(A, "doc", new DocumentPayload(2, "t", Map.of()), Map.of(chunk("c1"), 0));
            index.deletePoints(A, "doc", List.of(chunk("c1")));
            index.deleteDocument(A, "doc");

            List<Filter> filters = new ArrayList<>();
            qdrant.requests(QueryPoints.class).forEach(q -> filters.add(q.getFilter()));
            qdrant.requests(ScrollPoints.class).forEach(s -> filters.add(s.getFilter()));
            qdrant.requests(CountPoints.class).forEach(c -> filters.add(c.getFilter()));
            qdrant.requests(DeletePoints.class).forEach(d -> filters.add(d.getPoints().getFilter()));
            qdrant.requests(UpdateBatchPoints.class).forEach(b -> b.getOperationsList().forEach(op ->
                    filters.add(op.hasUpdateVectors() ? op.getUpdateVectors().getUpdateFilter()
                            : op.getSetPayload().getPointsSelector().getFilter())));
            // the relabel's title changes: a set-payload and a lexical vector update, both inside the tenant
            assertThat(filters).hasSize(2 + 2 + 1 + 1 + 2);
            assertThat(filters).allSatisfy(f -> {
                assertThat(f.getShouldList()).isEmpty();
                assertThat(f.getMustNotList()).isEmpty();
                assertThat(f.getMust(0)).isEqualTo(keyword("tenant", A));
                assertThat(f.getMustList().stream().filter(c -> c.hasField() && c.getField().getKey().equals("tenant")))
                        .as("one tenant condition, no other").hasSize(1);
            });
        }

        @Test
        void metadataFiltersBecomeExactTermsThatCanOnlyNarrowTheTenant() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();

            index.search(new SearchQuery(A, vector(1), 5, Map.of("tenant", B, "lang", "en", "a.b", "x=y")));

            assertThat(qdrant.requests(QueryPoints.class).get(0).getFilter()).isEqualTo(Filter.newBuilder()
                    .addMust(keyword("tenant", A))
                    .addMust(keyword("metaTerms", "3:a.b=x=y"))
                    .addMust(keyword("metaTerms", "4:lang=en"))
                    .addMust(keyword("metaTerms", "6:tenant=" + B))
                    .build());
        }

        @Test
        void searchIsANearestQueryReturningOnlyTheHitFields() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();
            float[] v = vector(4);

            index.search(new SearchQuery(A, v, 7, Map.of()));

            QueryPoints q = qdrant.requests(QueryPoints.class).get(0);
            assertThat(q.getQuery().getNearest().getDense().getDataList()).hasSize(8);
            assertThat(q.getQuery().getNearest().getDense().getData(3)).isEqualTo(v[3]);
            assertThat(q.getLimit()).isEqualTo(7);
            assertThat(q.getWithPayload().getInclude().getFieldsList()).containsExactlyInAnyOrder(
                    "docId", "chunkId", "seq", "text", "title", "version", "metadata");
            assertThat(q.getWithVectors().getEnable()).isFalse();
            assertThat(q.hasUsing()).as("the unnamed vector").isFalse();
            assertThat(q.getParams().getHnswEf()).as("as many HNSW candidates as the Lucene adapter explores")
                    .isEqualTo(SearchQuery.HNSW_CANDIDATES);
            index.search(new SearchQuery(A, v, 500, Map.of()));
            assertThat(qdrant.requests(QueryPoints.class).get(1).getParams().getHnswEf()).as("never fewer than k")
                    .isEqualTo(500);
        }

        @Test
        void aRelabelThatKeepsTheTitleLeavesTheLexicalVectorAlone() {
            QdrantVectorIndex index = open();
            seed(index);
            qdrant.clearRequests();

            index.updatePayload(A, "doc", new DocumentPayload(5, "title of doc", Map.of()), Map.of(chunk("c1"), 4));

            assertThat(qdrant.requests(GetPoints.class)).as("no text read").hasSize(1);
            assertThat(qdrant.requests(UpdateBatchPoints.class).get(0).getOperationsList())
                    .noneMatch(PointsUpdateOperation::hasUpdateVectors);
        }

        @Test
        void lexicalSearchIsASparseNearestQueryOnTheLexicalVectorInsideTheTenant() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();

            index.searchLexical(new LexicalQuery(A, "Refunds refund the money", 6, Map.of("lang", "en")));

            QueryPoints q = qdrant.requests(QueryPoints.class).get(0);
            assertThat(q.getUsing()).isEqualTo("lexical");
            // "refunds" and "refund" stem alike: one term of value 2, one of value 1 ("money"); "the" is a stop word
            // each term twice: once for the text, once for the label (title and docId)
            assertThat(q.getQuery().getNearest().getSparse().getValuesList()).containsExactlyInAnyOrder(2f, 1f, 2f, 1f);
            assertThat(q.getQuery().getNearest().getSparse().getIndicesList()).containsExactlyInAnyOrder(
                    LexicalAnalysis.termId("refund"), LexicalAnalysis.termId("monei"),
                    LexicalAnalysis.labelTermId("refund"), LexicalAnalysis.labelTermId("monei"));
            assertThat(q.getLimit()).isEqualTo(6);
            assertThat(q.getFilter()).isEqualTo(Filter.newBuilder().addMust(keyword("tenant", A))
                    .addMust(keyword("metaTerms", "4:lang=en")).build());
            assertThat(q.getWithVectors().getEnable()).isFalse();
        }

        @Test
        void aCollectionWithoutTheLexicalVectorKeepsWorkingDenseOnly() {
            Bootstrap helper = new Bootstrap();
            helper.createRaw("pre-lexical", 8, Distance.Cosine, "all-MiniLM-L6-v2");
            helper.aliasRaw(ALIAS, "pre-lexical");
            QdrantVectorIndex index = open();
            index.upsert(List.of(point(A, "doc", chunk("c1"), 0, vector(1))));
            qdrant.clearRequests();

            assertThat(index.searchLexical(new LexicalQuery(A, "text", 5, Map.of()))).isEmpty();
            assertThat(qdrant.requests(QueryPoints.class)).as("no request for a vector the collection lacks").isEmpty();
            assertThat(index.search(new SearchQuery(A, vector(1), 5, Map.of()))).hasSize(1);
        }

        @Test
        void documentStatusAndChunkIdsScrollTheDocumentReadingOnlyWhatTheyNeed() {
            QdrantVectorIndex index = open();
            seed(index);
            qdrant.clearRequests();

            index.document(A, "doc");
            index.chunkIds(A, "doc");

            List<ScrollPoints> scrolls = qdrant.requests(ScrollPoints.class);
            assertThat(scrolls).hasSize(2);
            Filter document = Filter.newBuilder().addMust(keyword("tenant", A)).addMust(keyword("docId", "doc"))
                    .build();
            assertThat(scrolls).allSatisfy(s -> {
                assertThat(s.getFilter()).isEqualTo(document);
                assertThat(s.getWithVectors().getEnable()).isFalse();
                assertThat(s.getLimit()).isEqualTo(QdrantChunkReader.SCROLL_PAGE);
            });
            assertThat(scrolls.get(0).getWithPayload().getInclude().getFieldsList())
                    .containsExactly("version", "indexedAt");
            assertThat(scrolls.get(1).getWithPayload().getInclude().getFieldsList()).containsExactly("chunkId", "seq");
        }

        @Test
        void largeDocumentsAreReadPageByPage() {
            QdrantVectorIndex index = open();
            List<IndexPoint> points = new ArrayList<>();
            for (int i = 0; i < QdrantChunkReader.SCROLL_PAGE * 2 + 5; i++) {
                points.add(point(A, "big", chunk("b" + i), i, vector(i)));
            }
            index.upsert(points);
            qdrant.clearRequests();

            assertThat(index.chunkIds(A, "big")).hasSize(points.size());
            List<ScrollPoints> scrolls = qdrant.requests(ScrollPoints.class);
            assertThat(scrolls).hasSize(3);
            assertThat(scrolls.get(0).hasOffset()).isFalse();
            assertThat(scrolls.get(1).hasOffset()).isTrue();
            assertThat(qdrant.requests(UpsertPoints.class)).isEmpty();
        }

        @Test
        void theIndexedDocumentsListingScrollsOneTenantsLiveMarksReadingNoText() {
            QdrantVectorIndex index = open();
            seed(index);
            index.markDocument(A, "doc", new dev.freshrag.index.DocumentMark(1, false, 0, 1));
            qdrant.clearRequests();

            assertThat(index.indexedDocuments(A, null, 50).documents())
                    .containsExactly(new dev.freshrag.index.IndexedDocument("doc", 1));

            ScrollPoints scroll = qdrant.requests(ScrollPoints.class).get(0);
            assertThat(qdrant.requests(ScrollPoints.class)).hasSize(1);
            assertThat(scroll.getCollectionName()).isEqualTo(ALIAS);
            assertThat(scroll.getFilter().getMustList()).containsExactlyInAnyOrder(
                    keyword("tenant", QdrantVectorIndex.RESERVED_TENANT), keyword("kind", "freshrag-document-mark"),
                    keyword("markTenant", A), Condition.newBuilder().setField(FieldCondition.newBuilder()
                            .setKey("markDeleted").setMatch(Match.newBuilder().setInteger(0))).build());
            assertThat(scroll.getWithPayload().getInclude().getFieldsList()).containsExactly("markDocId", "markVersion");
            assertThat(scroll.getWithVectors().getEnable()).isFalse();
            assertThat(scroll.getLimit()).isEqualTo(50);
            assertThat(scroll.hasOffset()).isFalse();
        }
    }

    // =====================================================================================================

    @Nested
    class Failures {

        @Test
        void unavailableQdrantMakesEveryCallIndexUnavailableAndRecoveryHealsIt() {
            QdrantVectorIndex index = open();
            qdrant.failEverything(Status.UNAVAILABLE.withDescription("connection refused"));

            assertThatThrownBy(() -> index.upsert(List.of(point(A, "d", chunk("x"), 0, vector(1)))))
                    .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("UNAVAILABLE");
            assertThatThrownBy(() -> index.search(new SearchQuery(A, vector(1), 1, Map.of())))
                    .isInstanceOf(IndexUnavailableException.class);
            assertThatThrownBy(() -> index.document(A, "d")).isInstanceOf(IndexUnavailableException.class);
            assertThatThrownBy(() -> index.deleteDocument(A, "d")).isInstanceOf(IndexUnavailableException.class);
            assertThatThrownBy(() -> index.commit(new SourceOffsets(Map.of(0, 1L)))).isInstanceOf(IndexUnavailableException.class);
            assertThatThrownBy(index::appliedSourceOffsets).isInstanceOf(IndexUnavailableException.class);
            assertThat(index.isHealthy()).isFalse();

            qdrant.recover();
            assertThat(index.isHealthy()).isTrue();
            assertThat(index.search(new SearchQuery(A, vector(1), 1, Map.of()))).isEmpty();
        }

        @Test
        void aStalledQdrantRunsIntoTheCallDeadline() {
            QdrantVectorIndex index = open(options().withTimeout(Duration.ofMillis(300)), MINILM);
            qdrant.hangEverything();

            long start = System.nanoTime();
            assertThatThrownBy(() -> index.search(new SearchQuery(A, vector(1), 1, Map.of())))
                    .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("DEADLINE_EXCEEDED");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(index.isHealthy()).isFalse();
        }

        @Test
        void rateLimitingIsTransientToo() {
            QdrantVectorIndex index = open();
            qdrant.failMethod("qdrant.Points/Upsert", Status.RESOURCE_EXHAUSTED);

            assertThatThrownBy(() -> index.upsert(List.of(point(A, "d", chunk("x"), 0, vector(1)))))
                    .isInstanceOf(IndexUnavailableException.class);
        }

        @Test
        void rejectedRequestsAndAuthorisationFailuresAreNotReportedAsUnavailable() {
            QdrantVectorIndex index = open();
            qdrant.failMethod("qdrant.Points/Query", Status.INVALID_ARGUMENT.withDescription("bad filter"));
            qdrant.failMethod("qdrant.Points/Scroll", Status.PERMISSION_DENIED);

            assertThatThrownBy(() -> index.search(new SearchQuery(A, vector(1), 1, Map.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad filter");
            assertThatThrownBy(() -> index.chunkIds(A, "d")).isInstanceOf(IllegalStateException.class)
                    .isNotInstanceOf(IndexUnavailableException.class).hasMessageContaining("PERMISSION_DENIED");
        }

        @Test
        void openingAgainstAnUnavailableQdrantIsIndexUnavailableAndLeavesTheClientToItsOwner() {
            try (QdrantClient client = qdrant.newClient()) {
                qdrant.failEverything(Status.UNAVAILABLE);

                assertThatThrownBy(() -> QdrantVectorIndex.open(client, options(), MINILM))
                        .isInstanceOf(IndexUnavailableException.class);
                qdrant.recover();
                assertThat(QdrantVectorIndex.open(client, options(), MINILM).collection())
                        .as("the client still works").isEqualTo(COLLECTION);
            }
        }

        @Test
        void connectingToAPortNobodyListensOnIsIndexUnavailable() throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            QdrantOptions options = QdrantOptions.defaults().withEndpoint("127.0.0.1", port)
                    .withTimeout(Duration.ofSeconds(2));

            assertThatThrownBy(() -> QdrantVectorIndex.connect(options, MINILM))
                    .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("127.0.0.1:" + port);
        }

        @Test
        void invalidInputIsRefusedBeforeAnyRequest() {
            QdrantVectorIndex index = open();
            qdrant.clearRequests();

            assertThatThrownBy(() -> index.upsert(List.of(point(A, "d", chunk("x"), 0, new float[8]))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero vector");
            assertThatThrownBy(() -> index.search(new SearchQuery(A, new float[] {1, 0}, 1, Map.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimensions");
            assertThatThrownBy(() -> index.commit(new SourceOffsets(Map.of(0, -1L)))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> index.deleteDocument(A, "")).isInstanceOf(IllegalArgumentException.class);
            assertThat(qdrant.requests()).isEmpty();
        }

        @Test
        void aClosedIndexIsUnhealthyAndRefusesCalls() {
            QdrantVectorIndex index = open();
            index.close();
            index.close(); // idempotent

            assertThat(index.isHealthy()).isFalse();
            assertThatThrownBy(() -> index.document(A, "d")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }
}
