package dev.freshrag.index.qdrant;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the alias names now, read the way a reader that follows it needs: the collection, the model its metadata
 * records and the generation number. The query-service asks every few seconds, and when the answer changes it loads
 * that model and opens that collection before it stops searching the old one (so no query mixes models).
 */
public final class QdrantAliasTargets implements AutoCloseable {

    /**
     * The collection the alias names.
     *
     * @param generation     the generation number its metadata records; empty for a collection from before generations
     * @param chunkMaxTokens the chunking its metadata records; empty until a generation's writer or reader opened it
     */
    public record Target(String collection, IndexFingerprint fingerprint, OptionalInt generation,
                         OptionalInt chunkMaxTokens) {
    }

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final QdrantOptions options;

    private QdrantAliasTargets(QdrantClient client, QdrantOptions options) {
        this.client = client;
        this.options = options;
        this.calls = new QdrantCalls(client.grpcClient().channel().authority(), options.timeout());
    }

    /** On a new connection to the Qdrant of {@code options}, which {@link #close()} closes. */
    public static QdrantAliasTargets connect(QdrantOptions options) {
        return new QdrantAliasTargets(QdrantVectorIndex.newClient(Objects.requireNonNull(options, "options")), options);
    }

    /** Through an existing client (an in-process channel in tests), which {@link #close()} then closes. */
    public static QdrantAliasTargets open(QdrantClient client, QdrantOptions options) {
        return new QdrantAliasTargets(Objects.requireNonNull(client, "client"), Objects.requireNonNull(options, "options"));
    }

    /**
     * The collection the alias names and what its metadata says, or empty if there is no alias.
     *
     * @throws IndexMismatchException the collection was not created by FreshRAG (no model in its metadata)
     */
    public Optional<Target> current() {
        List<AliasDescription> aliases = calls.await("list aliases", client.listAliasesAsync(calls.timeout()));
        Optional<String> collection = aliases.stream().filter(a -> a.getAliasName().equals(options.alias()))
                .map(AliasDescription::getCollectionName).findFirst();
        if (collection.isEmpty()) {
            return Optional.empty();
        }
        String name = collection.get();
        CollectionInfo info = calls.await("read collection " + name, client.getCollectionInfoAsync(name, calls.timeout()));
        VectorsConfig vectors = info.getConfig().getParams().getVectorsConfig();
        Value model = info.getConfig().getMetadataMap().get(CollectionBootstrap.META_MODEL);
        if (!vectors.hasParams() || model == null || !model.hasStringValue()) {
            throw new IndexMismatchException("Qdrant collection " + name + " (alias " + options.alias()
                    + ") has no FreshRAG model in its metadata or no single unnamed vector");
        }
        Value number = info.getConfig().getMetadataMap().get(CollectionBootstrap.META_GENERATION);
        OptionalInt generation = number != null && number.hasIntegerValue() && number.getIntegerValue() >= 1
                ? OptionalInt.of((int) number.getIntegerValue()) : OptionalInt.empty();
        Value chunking = info.getConfig().getMetadataMap().get(CollectionBootstrap.META_CHUNK_MAX_TOKENS);
        OptionalInt chunkMaxTokens = chunking != null && chunking.hasIntegerValue() && chunking.getIntegerValue() >= 1
                ? OptionalInt.of((int) chunking.getIntegerValue()) : OptionalInt.empty();
        return Optional.of(new Target(name, new IndexFingerprint(model.getStringValue(),
                (int) vectors.getParams().getSize()), generation, chunkMaxTokens));
    }

    @Override
    public void close() {
        client.close();
    }
}
