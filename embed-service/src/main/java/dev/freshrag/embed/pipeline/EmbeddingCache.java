package dev.freshrag.embed.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU of vectors keyed by model id and content hash: text embedded once (a paragraph moved,
 * a document deleted and re-created, a replay) is not embedded again while it is cached.
 */
public final class EmbeddingCache {

    private final int capacity;
    private final Map<String, float[]> entries;

    public EmbeddingCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > EmbeddingCache.this.capacity;
            }
        };
    }

    public synchronized float[] get(String modelId, String contentHash) {
        return capacity == 0 ? null : entries.get(modelId + ':' + contentHash);
    }

    public synchronized void put(String modelId, String contentHash, float[] vector) {
        if (capacity > 0) {
            entries.put(modelId + ':' + contentHash, vector);
        }
    }

    public synchronized int size() {
        return entries.size();
    }
}
