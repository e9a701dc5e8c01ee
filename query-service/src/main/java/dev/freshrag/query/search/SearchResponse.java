package dev.freshrag.query.search;

import java.util.List;
import java.util.Map;

/**
 * @param consistent false when consistentWith was given and the index did not reflect every token in time
 */
public record SearchResponse(List<Hit> hits, boolean consistent) {

    public record Hit(String docId, long version, String chunkId, float score, String title, String text,
                      Map<String, String> metadata) {
    }
}
