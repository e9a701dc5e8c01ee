package dev.freshrag.ingest.chunking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.freshrag.tokenizer.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Token counts remembered by the text's hash. A new version of a document is mostly the paragraphs of the
 * previous one, and the gateway and the topology both chunk every UPSERT: without this, the ingest spent about a
 * fifth of its CPU re-tokenizing paragraphs (and joined chunk texts) it had counted before. A SHA-256 prefix of
 * 128 bits is the key, so the cache holds 16 bytes per text rather than the text, and a collision (one in 2^64
 * after billions of entries) is far below any concern for a count that only places a chunk boundary.
 */
public final class CachedTokenCounter implements TokenCounter {

    private final TokenCounter tokenizer;
    private final Cache<TextKey, Integer> counts;

    public CachedTokenCounter(TokenCounter tokenizer, long maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be at least 0, was " + maxEntries);
        }
        this.tokenizer = tokenizer;
        this.counts = Caffeine.newBuilder().maximumSize(maxEntries).recordStats().build();
    }

    @Override
    public int countTokens(String text) {
        return counts.get(TextKey.of(text), key -> tokenizer.countTokens(text));
    }

    /** The cache itself, for its hit/miss statistics (bound to the service's metrics). */
    public Cache<?, ?> cache() {
        return counts;
    }

    /** 128 bits of the text's SHA-256. */
    record TextKey(long high, long low) {

        static TextKey of(String text) {
            ByteBuffer digest = ByteBuffer.wrap(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
            return new TextKey(digest.getLong(), digest.getLong());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }
}
