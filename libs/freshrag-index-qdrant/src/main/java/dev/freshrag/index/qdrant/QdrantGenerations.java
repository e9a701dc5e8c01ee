package dev.freshrag.index.qdrant;

import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.DeleteAlias;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generations of the index on Qdrant: a collection per generation ({@code <prefix>-<model>-g<N>}, filled through
 * {@link QdrantVectorIndex#openGeneration}) and the alias {@link QdrantOptions#alias()}, which names the active one.
 *
 * <p><b>The switch</b> is one {@code UpdateAliases} request that deletes the alias and creates it again on the new
 * collection: Qdrant applies the actions of one request under its collections lock, so no reader resolves the alias
 * between the two. Qdrant applies them one after the other and does not undo the first when the second fails, so the
 * new collection is checked (it exists and holds the generation's model) before the request is sent: a create that
 * failed after the delete would leave no alias at all.
 *
 * <p>Qdrant has no compare-and-set on aliases: {@link #switchAlias} checks that the alias still names the collection it
 * switches from just before it sends the request, which catches a stale plan but not two switches racing; whoever
 * drives the plan (one operator endpoint) serialises them. Which generations exist beside the active one, and in
 * what state, is not stored in Qdrant; the plan is kept by the caller.
 */
public final class QdrantGenerations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QdrantGenerations.class);

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final QdrantOptions options;

    private QdrantGenerations(QdrantClient client, QdrantOptions options) {
        this.client = client;
        this.options = options;
        this.calls = new QdrantCalls(client.grpcClient().channel().authority(), options.timeout());
    }

    /** On a new connection to the Qdrant of {@code options}, which {@link #close()} closes. */
    public static QdrantGenerations connect(QdrantOptions options) {
        return new QdrantGenerations(QdrantVectorIndex.newClient(Objects.requireNonNull(options, "options")), options);
    }

    /** Through an existing client (an in-process channel in tests), which {@link #close()} then closes. */
    public static QdrantGenerations open(QdrantClient client, QdrantOptions options) {
        return new QdrantGenerations(Objects.requireNonNull(client, "client"), Objects.requireNonNull(options, "options"));
    }

    /** The physical collection of a generation. */
    public String collection(Generation generation) {
        return CollectionBootstrap.collectionName(options.collectionPrefix(), generation.fingerprint(), generation.number());
    }

    /** The collection the alias names now, or empty if there is no alias yet. */
    public Optional<String> aliasTarget() {
        List<AliasDescription> aliases = calls.await("list aliases", client.listAliasesAsync(calls.timeout()));
        return aliases.stream().filter(a -> a.getAliasName().equals(options.alias()))
                .map(AliasDescription::getCollectionName).findFirst();
    }

    /** Whether the collection of {@code generation} exists (a dropped or aborted one's does not). */
    public boolean exists(Generation generation) {
        String collection = collection(generation);
        return calls.await("check collection " + collection, client.collectionExistsAsync(collection, calls.timeout()));
    }

    /**
     * Moves the alias from {@code from}'s collection to {@code to}'s in one atomic request.
     *
     * @throws GenerationConflictException the alias does not name {@code from}'s collection (a stale plan), or
     *                                     {@code to}'s collection does not exist
     * @throws dev.freshrag.index.IndexMismatchException {@code to}'s collection holds vectors of another model or dimension
     */
    public void switchAlias(Generation from, Generation to) {
        String alias = options.alias();
        String fromCollection = collection(from);
        String toCollection = collection(to);
        if (!calls.await("check collection " + toCollection, client.collectionExistsAsync(toCollection, calls.timeout()))) {
            throw new GenerationConflictException("Qdrant collection " + toCollection + " of generation " + to.id()
                    + " does not exist; nothing was switched");
        }
        new CollectionBootstrap(client, calls, options, to.fingerprint()).verifyGeneration(toCollection, to.number());
        Optional<String> current = aliasTarget();
        if (!current.equals(Optional.of(fromCollection))) {
            throw new GenerationConflictException("Qdrant alias " + alias + " names "
                    + current.orElse("no collection") + ", not " + fromCollection + " of generation " + from.id()
                    + "; nothing was switched");
        }
        calls.await("switch alias " + alias, client.updateAliasesAsync(List.of(
                AliasOperations.newBuilder().setDeleteAlias(DeleteAlias.newBuilder().setAliasName(alias)).build(),
                AliasOperations.newBuilder().setCreateAlias(CreateAlias.newBuilder().setAliasName(alias)
                        .setCollectionName(toCollection)).build()), calls.timeout()));
        LOG.info("Qdrant alias {}: {} ({}) -> {} ({})", alias, fromCollection, from.id(), toCollection, to.id());
    }

    /**
     * Deletes the collection of a generation that left the plan (aborted, or dropped as previous).
     *
     * @throws GenerationConflictException the alias names that collection: it is the one queries search
     */
    public void drop(Generation generation) {
        String collection = collection(generation);
        if (aliasTarget().equals(Optional.of(collection))) {
            throw new GenerationConflictException("Qdrant collection " + collection + " of generation "
                    + generation.id() + " is the one alias " + options.alias() + " names; switch away from it first");
        }
        calls.await("delete collection " + collection, client.deleteCollectionAsync(collection, calls.timeout()));
        LOG.info("dropped Qdrant collection {} of generation {}", collection, generation.id());
    }

    @Override
    public void close() {
        client.close();
    }
}
