package dev.freshrag.index.qdrant;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexUnavailableException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.IntegerIndexParams;
import io.qdrant.client.grpc.Collections.KeywordIndexParams;
import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.qdrant.client.grpc.Collections.PayloadSchemaInfo;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.FieldType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds or creates the collection behind the alias and checks that it holds vectors of our model.
 *
 * <p>The physical collection is named after the model and a generation ({@code freshrag-all-minilm-l6-v2-g1}) and
 * every read and write goes through the alias. A later re-index can then fill generation 2 beside generation 1 and
 * switch the alias in one atomic {@code UpdateAliases} call, without readers ever seeing a half-built index.
 *
 * <p>The model id and dimension are recorded in the collection's metadata (Qdrant 1.16+). The vector size alone
 * cannot tell two 384-dimension models apart, and the collection name is a lossy rendering of the model id, so the
 * metadata is what is compared; the vector size and distance are checked as well because they are what Qdrant
 * actually enforces.
 *
 * <p>Several processes may bootstrap at once (every replica of both services connects at start). Each step
 * therefore tolerates losing a race: an existing collection is checked rather than created again, payload index
 * creation is idempotent in Qdrant, and when the alias cannot be created the alias that won is read back and
 * checked.
 */
final class CollectionBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(CollectionBootstrap.class);

    static final String META_MODEL = "freshrag.model";
    static final String META_DIMENSION = "freshrag.dimension";
    static final String META_GENERATION = "freshrag.generation";
    /** The chunking a generation's chunks were cut with (max tokens per chunk), so that readers can say it. */
    static final String META_CHUNK_MAX_TOKENS = "freshrag.chunk-max-tokens";
    static final int FIRST_GENERATION = 1;

    /** Longest model part of a collection name; Qdrant allows 255 characters for the whole name. */
    private static final int MAX_MODEL_NAME = 100;

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final QdrantOptions options;
    private final IndexFingerprint fingerprint;
    /** Set by {@link #run}: whether the collection has the lexical sparse vector. */
    private boolean lexical;
    /** Set by {@link #run}: the generation number in the collection's metadata, if it has one. */
    private java.util.OptionalInt generation = java.util.OptionalInt.empty();

    CollectionBootstrap(QdrantClient client, QdrantCalls calls, QdrantOptions options, IndexFingerprint fingerprint) {
        this.client = client;
        this.calls = calls;
        this.options = options;
        this.fingerprint = fingerprint;
    }

    /** The generation number the metadata of the collection {@link #run} opened records (FreshRAG writes it). */
    java.util.OptionalInt generation() {
        return generation;
    }

    /** Whether the collection {@link #run} opened has the lexical sparse vector ({@link LexicalVectors}). */
    boolean lexical() {
        return lexical;
    }

    /** {@code <prefix>-<model, lower case, runs of other characters as '-'>-g<generation>}. */
    static String collectionName(String prefix, IndexFingerprint fingerprint, int generation) {
        String model = fingerprint.modelId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (model.length() > MAX_MODEL_NAME) {
            model = model.substring(0, MAX_MODEL_NAME);
        }
        if (model.isEmpty()) {
            model = "model";
        }
        return prefix + "-" + model + "-g" + generation;
    }

    /**
     * The physical collection the alias points at, created (with its payload indexes and the alias) if the alias does
     * not exist yet.
     *
     * @throws IndexMismatchException the alias points at a collection of another model, dimension or distance
     */
    String run() {
        String alias = options.alias();
        Optional<String> existing = aliasTarget(alias);
        if (existing.isPresent()) {
            String collection = existing.get();
            CollectionInfo info = verify(collection, alias);
            ensurePayloadIndexes(collection, info);
            LOG.info("Qdrant alias {} -> collection {} ({}), {} points", alias, collection, fingerprint,
                    info.hasPointsCount() ? info.getPointsCount() : "?");
            return collection;
        }

        String collection = collectionName(options.collectionPrefix(), fingerprint, FIRST_GENERATION);
        if (!calls.await("check collection " + collection, client.collectionExistsAsync(collection, calls.timeout()))) {
            create(collection);
        } else {
            // left behind by a bootstrap that stopped before creating the alias, or built by hand
            LOG.info("Qdrant collection {} exists without alias {}; checking it", collection, alias);
        }
        CollectionInfo info = verify(collection, alias);
        ensurePayloadIndexes(collection, info);
        return createAlias(alias, collection);
    }

    /**
     * The physical collection of one generation ({@link #collectionName}), created with its payload indexes if it does
     * not exist yet, and checked: a generation's writer and reader use it directly, not through the alias, so a
     * switch of the alias never changes what they read.
     *
     * @throws IndexMismatchException the collection holds vectors of another model, dimension or distance
     */
    String runGeneration(int generation, int chunkMaxTokens) {
        String collection = collectionName(options.collectionPrefix(), fingerprint, generation);
        if (!calls.await("check collection " + collection, client.collectionExistsAsync(collection, calls.timeout()))) {
            create(collection, generation, java.util.OptionalInt.of(chunkMaxTokens));
        }
        CollectionInfo info = verifyAs(collection, "Qdrant collection " + collection + " (generation g" + generation + ")");
        if (!info.getConfig().getMetadataMap().containsKey(META_CHUNK_MAX_TOKENS)) {
            // a collection made before generations recorded their chunking (the first one, made by the alias
            // bootstrap, which does not know it): the generation's record does, and Qdrant merges metadata
            try {
                calls.await("record the chunking of " + collection, client.updateCollectionAsync(UpdateCollection
                        .newBuilder().setCollectionName(collection)
                        .putMetadata(META_CHUNK_MAX_TOKENS, ChunkPayloads.integer(chunkMaxTokens)).build(), calls.timeout()));
                LOG.info("recorded chunks of at most {} tokens in the metadata of Qdrant collection {}", chunkMaxTokens,
                        collection);
            } catch (RuntimeException e) {
                // only a label for readers: a reader with a read-only key, or a Qdrant busy for a moment, must still
                // open the generation; the next writer that opens it records it
                LOG.warn("could not record the chunking in the metadata of Qdrant collection {} (readers report none "
                        + "until a writer does): {}", collection, e.toString());
            }
        }
        ensurePayloadIndexes(collection, info);
        return collection;
    }

    /** Checks an existing collection as {@link #runGeneration} would, without creating anything. */
    void verifyGeneration(String collection, int generation) {
        verifyAs(collection, "Qdrant collection " + collection + " (generation g" + generation + ")");
    }

    private Optional<String> aliasTarget(String alias) {
        List<AliasDescription> aliases = calls.await("list aliases", client.listAliasesAsync(calls.timeout()));
        return aliases.stream().filter(a -> a.getAliasName().equals(alias))
                .map(AliasDescription::getCollectionName).findFirst();
    }

    private void create(String collection) {
        create(collection, FIRST_GENERATION, java.util.OptionalInt.empty());
    }

    private void create(String collection, int generation, java.util.OptionalInt chunkMaxTokens) {
        CreateCollection.Builder request = CreateCollection.newBuilder()
                .setCollectionName(collection)
                .setVectorsConfig(VectorsConfig.newBuilder().setParams(VectorParams.newBuilder()
                        .setSize(fingerprint.dimension())
                        // Qdrant normalises vectors on write for Cosine, so scores are cosine similarities in [-1, 1]
                        .setDistance(Distance.Cosine)))
                .setSparseVectorsConfig(LexicalVectors.config())
                .putMetadata(META_MODEL, ChunkPayloads.string(fingerprint.modelId()))
                .putMetadata(META_DIMENSION, ChunkPayloads.integer(fingerprint.dimension()))
                .putMetadata(META_GENERATION, ChunkPayloads.integer(generation))
                .setTimeout(Math.max(1, calls.timeout().toSeconds()));
        chunkMaxTokens.ifPresent(n -> request.putMetadata(META_CHUNK_MAX_TOKENS, ChunkPayloads.integer(n)));
        options.shardNumber().ifPresent(request::setShardNumber);
        options.replicationFactor().ifPresent(request::setReplicationFactor);
        try {
            calls.await("create collection " + collection, client.createCollectionAsync(request.build(),
                    calls.timeout()));
            LOG.info("created Qdrant collection {} for {} (cosine)", collection, fingerprint);
        } catch (IndexUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // another process may have created it between our check and our create
            if (!calls.await("check collection " + collection, client.collectionExistsAsync(collection,
                    calls.timeout()))) {
                throw e;
            }
            LOG.info("Qdrant collection {} was created concurrently by another process", collection);
        }
    }

    /** Reads the collection's config and refuses it unless it holds vectors of our fingerprint. */
    private CollectionInfo verify(String collection, String alias) {
        return verifyAs(collection, "Qdrant collection " + collection + " (alias " + alias + ")");
    }

    private CollectionInfo verifyAs(String collection, String where) {
        CollectionInfo info = calls.await("read collection " + collection,
                client.getCollectionInfoAsync(collection, calls.timeout()));
        VectorsConfig vectors = info.getConfig().getParams().getVectorsConfig();
        if (!vectors.hasParams()) {
            throw new IndexMismatchException(where + " has named or no vectors; FreshRAG uses one unnamed vector. "
                    + "Point freshrag.index.qdrant.alias at a FreshRAG collection");
        }
        VectorParams params = vectors.getParams();
        if (params.getDistance() != Distance.Cosine) {
            throw new IndexMismatchException(where + " uses " + params.getDistance()
                    + " distance; FreshRAG needs Cosine");
        }
        Value model = info.getConfig().getMetadataMap().get(META_MODEL);
        if (model == null || !model.hasStringValue()) {
            throw new IndexMismatchException(where + " has no '" + META_MODEL + "' in its metadata, so it was not "
                    + "created by FreshRAG (or by a Qdrant older than 1.16, which drops collection metadata)");
        }
        IndexFingerprint stored = new IndexFingerprint(model.getStringValue(), (int) params.getSize());
        try {
            stored.requireSame(fingerprint);
        } catch (IndexMismatchException e) {
            throw new IndexMismatchException(where + ": " + e.getMessage());
        }
        lexical = LexicalVectors.configured(info.getConfig().getParams().getSparseVectorsConfig());
        Value number = info.getConfig().getMetadataMap().get(META_GENERATION);
        generation = number != null && number.hasIntegerValue() && number.getIntegerValue() >= 1
                ? java.util.OptionalInt.of((int) number.getIntegerValue()) : java.util.OptionalInt.empty();
        if (!lexical) {
            // Qdrant cannot add a sparse vector to an existing collection: only a re-index into a new one can
            LOG.warn("{} predates lexical search (no '{}' sparse vector with the IDF modifier): lexical search finds "
                    + "nothing in it and hybrid search ranks by the dense branch alone until it is re-indexed into a "
                    + "new collection", where, LexicalVectors.NAME);
        }
        return info;
    }

    /**
     * The payload indexes every filter relies on, created where missing. {@code tenant} is a tenant index
     * ({@code is_tenant}): Qdrant then co-locates each tenant's points and plans tenant-filtered searches with it.
     */
    private void ensurePayloadIndexes(String collection, CollectionInfo info) {
        Map<String, PayloadSchemaInfo> schema = info.getPayloadSchemaMap();
        ensure(collection, schema, ChunkPayloads.TENANT, FieldType.FieldTypeKeyword, PayloadIndexParams.newBuilder()
                .setKeywordIndexParams(KeywordIndexParams.newBuilder().setIsTenant(true)).build());
        ensure(collection, schema, ChunkPayloads.DOC_ID, FieldType.FieldTypeKeyword, PayloadIndexParams.newBuilder()
                .setKeywordIndexParams(KeywordIndexParams.newBuilder()).build());
        // range: a re-index or cleanup can delete "versions below n" of a document by filter
        ensure(collection, schema, ChunkPayloads.VERSION, FieldType.FieldTypeInteger, PayloadIndexParams.newBuilder()
                .setIntegerIndexParams(IntegerIndexParams.newBuilder().setLookup(true).setRange(true)).build());
        ensure(collection, schema, ChunkPayloads.META_TERMS, FieldType.FieldTypeKeyword, PayloadIndexParams.newBuilder()
                .setKeywordIndexParams(KeywordIndexParams.newBuilder()).build());
        PayloadSchemaInfo tenant = schema.get(ChunkPayloads.TENANT);
        if (tenant != null && !(tenant.getParams().hasKeywordIndexParams()
                && tenant.getParams().getKeywordIndexParams().getIsTenant())) {
            LOG.warn("the '{}' payload index of Qdrant collection {} is not a tenant index (is_tenant); searches work "
                    + "but are not tenant-optimised. Re-create that index to fix it", ChunkPayloads.TENANT, collection);
        }
    }

    private void ensure(String collection, Map<String, PayloadSchemaInfo> schema, String field, FieldType type,
            PayloadIndexParams params) {
        if (schema.containsKey(field)) {
            return;
        }
        calls.await("create payload index " + field + " on " + collection, client.createPayloadIndexAsync(
                CreateFieldIndexCollection.newBuilder()
                        .setCollectionName(collection)
                        .setWait(true)
                        .setFieldName(field)
                        .setFieldType(type)
                        .setFieldIndexParams(params)
                        .build(),
                calls.timeout()));
    }

    /** Points the alias at the collection; if another process got there first, checks what it points at instead. */
    private String createAlias(String alias, String collection) {
        try {
            calls.await("create alias " + alias, client.updateAliasesAsync(List.of(AliasOperations.newBuilder()
                    .setCreateAlias(CreateAlias.newBuilder().setAliasName(alias).setCollectionName(collection))
                    .build()), calls.timeout()));
            LOG.info("Qdrant alias {} -> collection {} created", alias, collection);
            return collection;
        } catch (IndexUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            Optional<String> winner = aliasTarget(alias);
            if (winner.isEmpty()) {
                throw e;
            }
            LOG.info("Qdrant alias {} was created concurrently, -> {}", alias, winner.get());
            verify(winner.get(), alias);
            return winner.get();
        }
    }
}
