package dev.freshrag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankFusionTest {

    private static SearchHit hit(String docId, String chunkId, float score) {
        return new SearchHit(docId, 1, chunkId, 0, score, "t", "x", Map.of());
    }

    private static Map<String, List<SearchHit>> branches(List<SearchHit> dense, List<SearchHit> lexical) {
        Map<String, List<SearchHit>> b = new LinkedHashMap<>();
        b.put("dense", dense);
        b.put("lexical", lexical);
        return b;
    }

    @Test
    void aChunkFoundByBothBranchesSumsItsReciprocalRanks() {
        List<RankFusion.FusedHit> fused = RankFusion.fuse(branches(
                List.of(hit("a", "1", 0.9f), hit("b", "2", 0.8f), hit("c", "3", 0.7f)),
                List.of(hit("c", "3", 12f), hit("d", "4", 3f))), 60, 10, 0);

        assertThat(fused).extracting(f -> f.hit().chunkId()).containsExactly("3", "1", "2", "4");
        assertThat(fused.get(0).score()).isEqualTo(1.0 / 63 + 1.0 / 61);
        assertThat(fused.get(0).ranks()).isEqualTo(Map.of("dense", 3, "lexical", 1));
        assertThat(fused.get(0).scores()).isEqualTo(Map.of("dense", 0.7f, "lexical", 12f));
        assertThat(fused.get(1).ranks()).isEqualTo(Map.of("dense", 1));
        // equal fused scores: the first branch's hit first
        assertThat(fused.get(2).score()).isEqualTo(1.0 / 62);
        assertThat(fused.get(3).score()).isEqualTo(1.0 / 62);
        assertThat(fused.get(3).ranks()).isEqualTo(Map.of("lexical", 2));
    }

    @Test
    void kDecidesBetweenOneFirstRankAndTwoLaterOnes() {
        // a: dense rank 1 only; b: dense rank 3 and lexical rank 4
        Map<String, List<SearchHit>> b = branches(List.of(hit("a", "1", 1), hit("x", "2", 1), hit("b", "3", 1)),
                List.of(hit("y", "4", 1), hit("z", "5", 1), hit("w", "6", 1), hit("b", "3", 1)));

        // k = 1: 1/2 beats 1/4 + 1/5; k = 60: 1/61 loses to 1/63 + 1/64
        assertThat(RankFusion.fuse(b, 1, 1, 0).get(0).hit().docId()).isEqualTo("a");
        assertThat(RankFusion.fuse(b, 60, 1, 0).get(0).hit().docId()).isEqualTo("b");
    }

    @Test
    void maxPerDocumentMakesRoomForOtherDocuments() {
        Map<String, List<SearchHit>> b = branches(
                List.of(hit("a", "1", 1), hit("a", "2", 1), hit("a", "3", 1), hit("b", "4", 1), hit("c", "5", 1)),
                List.of());

        assertThat(RankFusion.fuse(b, 60, 3, 0)).extracting(f -> f.hit().chunkId()).containsExactly("1", "2", "3");
        assertThat(RankFusion.fuse(b, 60, 3, 1)).extracting(f -> f.hit().chunkId()).containsExactly("1", "4", "5");
        assertThat(RankFusion.fuse(b, 60, 10, 2)).extracting(f -> f.hit().chunkId()).containsExactly("1", "2", "4", "5");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> RankFusion.fuse(Map.of(), 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RankFusion.fuse(Map.of(), 60, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RankFusion.fuse(Map.of(), 60, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RankFusion.fuse(Map.of(), 60, 5, 0)).isEmpty();
    }
}
