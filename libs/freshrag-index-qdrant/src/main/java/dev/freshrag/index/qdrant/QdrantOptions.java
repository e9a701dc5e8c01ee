package dev.freshrag.index.qdrant;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where the Qdrant index lives and how its collection is laid out.
 *
 * @param host              Qdrant host name or address
 * @param port              gRPC port (Qdrant's default is 6334; 6333 is its REST port, which this adapter does not use)
 * @param apiKey            sent as the {@code api-key} header on every call; use it only with {@code tls}, or the
 *                          key travels in clear text
 * @param tls               whether the channel uses TLS
 * @param timeout           deadline of every single gRPC call (not of a whole method, which may make several calls)
 * @param collectionPrefix  the physical collections are named {@code <prefix>-<model>-g<generation>}
 * @param alias             the name every read and write goes through; it points at the current physical collection,
 *                          so a re-index can build a new generation and switch over atomically
 * @param shardNumber       shards of a newly created collection; empty lets Qdrant choose (1 standalone, else the
 *                          number of nodes). Only used when the collection is created.
 * @param replicationFactor replicas of each shard of a newly created collection; empty lets Qdrant choose (1). Only
 *                          used when the collection is created.
 */
public record QdrantOptions(
        String host,
        int port,
        Optional<String> apiKey,
        boolean tls,
        Duration timeout,
        String collectionPrefix,
        String alias,
        OptionalInt shardNumber,
        OptionalInt replicationFactor) {

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 6334;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_COLLECTION_PREFIX = "freshrag";
    public static final String DEFAULT_ALIAS = "freshrag-chunks";

    /**
     * Collection and alias names: Qdrant forbids some characters (e.g. {@code /}) and the names show up in URLs of
     * its REST API and dashboards; a conservative alphabet keeps them usable everywhere.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    public QdrantOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(collectionPrefix, "collectionPrefix");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(shardNumber, "shardNumber");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        if (apiKey.isPresent() && apiKey.get().isBlank()) {
            apiKey = Optional.empty(); // an empty config value means "no key", not an empty key
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (!NAME.matcher(collectionPrefix).matches()) {
            throw new IllegalArgumentException("collectionPrefix must match " + NAME + ", was '" + collectionPrefix + "'");
        }
        if (!NAME.matcher(alias).matches()) {
            throw new IllegalArgumentException("alias must match " + NAME + ", was '" + alias + "'");
        }
        if (shardNumber.isPresent() && shardNumber.getAsInt() < 1) {
            throw new IllegalArgumentException("shardNumber must be positive, was " + shardNumber.getAsInt());
        }
        if (replicationFactor.isPresent() && replicationFactor.getAsInt() < 1) {
            throw new IllegalArgumentException("replicationFactor must be positive, was " + replicationFactor.getAsInt());
        }
    }

    /** localhost:6334, plain text, no API key, 10 s per call, prefix {@code freshrag}, alias {@code freshrag-chunks}. */
    public static QdrantOptions defaults() {
        return new QdrantOptions(DEFAULT_HOST, DEFAULT_PORT, Optional.empty(), false, DEFAULT_TIMEOUT,
                DEFAULT_COLLECTION_PREFIX, DEFAULT_ALIAS, OptionalInt.empty(), OptionalInt.empty());
    }

    public QdrantOptions withEndpoint(String host, int port) {
        return new QdrantOptions(host, port, apiKey, tls, timeout, collectionPrefix, alias, shardNumber,
                replicationFactor);
    }

    /** {@code null} or blank removes the key. */
    public QdrantOptions withApiKey(String key) {
        return new QdrantOptions(host, port, Optional.ofNullable(key), tls, timeout, collectionPrefix, alias,
                shardNumber, replicationFactor);
    }

    public QdrantOptions withTls(boolean useTls) {
        return new QdrantOptions(host, port, apiKey, useTls, timeout, collectionPrefix, alias, shardNumber,
                replicationFactor);
    }

    public QdrantOptions withTimeout(Duration callTimeout) {
        return new QdrantOptions(host, port, apiKey, tls, callTimeout, collectionPrefix, alias, shardNumber,
                replicationFactor);
    }

    public QdrantOptions withCollectionPrefix(String prefix) {
        return new QdrantOptions(host, port, apiKey, tls, timeout, prefix, alias, shardNumber, replicationFactor);
    }

    public QdrantOptions withAlias(String aliasName) {
        return new QdrantOptions(host, port, apiKey, tls, timeout, collectionPrefix, aliasName, shardNumber,
                replicationFactor);
    }

    public QdrantOptions withShardNumber(int shards) {
        return new QdrantOptions(host, port, apiKey, tls, timeout, collectionPrefix, alias, OptionalInt.of(shards),
                replicationFactor);
    }

    public QdrantOptions withReplicationFactor(int replicas) {
        return new QdrantOptions(host, port, apiKey, tls, timeout, collectionPrefix, alias, shardNumber,
                OptionalInt.of(replicas));
    }

    /** Never prints the API key: options end up in logs and exception messages. */
    @Override
    public String toString() {
        return "QdrantOptions[" + host + ":" + port + (tls ? " tls" : " plaintext")
                + (apiKey.isPresent() ? " api-key=***" : "") + ", timeout=" + timeout + ", prefix=" + collectionPrefix
                + ", alias=" + alias
                + (shardNumber.isPresent() ? ", shards=" + shardNumber.getAsInt() : "")
                + (replicationFactor.isPresent() ? ", replicas=" + replicationFactor.getAsInt() : "") + "]";
    }
}
