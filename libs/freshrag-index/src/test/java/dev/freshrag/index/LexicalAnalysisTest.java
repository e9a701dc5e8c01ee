package dev.freshrag.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LexicalAnalysisTest {

    @Test
    void englishAnalysisStemsLowerCasesAndDropsStopWords() {
        assertThat(LexicalAnalysis.terms("The Refunds are PAID to the customers"))
                .containsExactly("refund", "paid", "custom");
        assertThat(LexicalAnalysis.terms("FRESHRAG_INDEX_KIND os.path.join PEP 8"))
                .containsExactly("freshrag_index_kind", "os.path.join", "pep", "8");
        assertThat(LexicalAnalysis.terms("the and of")).isEmpty();
        assertThat(LexicalAnalysis.terms(null)).isEmpty();
    }

    @Test
    void documentValuesSaturateWithTermFrequencyAndShrinkWithLength() {
        LexicalAnalysis.SparseVector once = LexicalAnalysis.documentVector("kafka broker");
        LexicalAnalysis.SparseVector thrice = LexicalAnalysis.documentVector("kafka kafka kafka");
        float k1 = LexicalAnalysis.K1;
        float b = LexicalAnalysis.B;
        float avg = LexicalAnalysis.AVERAGE_TERMS;
        int kafka = LexicalAnalysis.termId("kafka");

        assertThat(valueOf(once, kafka)).isEqualTo(1 / (1 + k1 * (1 - b + b * 2 / avg)));
        assertThat(valueOf(thrice, kafka)).isEqualTo(3 / (3 + k1 * (1 - b + b * 3 / avg)));
        assertThat(valueOf(thrice, kafka)).isLessThan(3 * valueOf(once, kafka)).isGreaterThan(valueOf(once, kafka));
    }

    @Test
    void queryValuesAreTermCountsAndIndicesAreSortedUnsignedWithoutRepeats() {
        LexicalAnalysis.SparseVector q = LexicalAnalysis.queryVector("retention kafka retention topics");

        assertThat(q.indices()).hasSize(3);
        for (int i = 1; i < q.indices().length; i++) {
            assertThat(Integer.compareUnsigned(q.indices()[i - 1], q.indices()[i])).isNegative();
        }
        assertThat(valueOf(q, LexicalAnalysis.termId("retent"))).isEqualTo(2f);
        assertThat(valueOf(q, LexicalAnalysis.termId("kafka"))).isEqualTo(1f);
        assertThat(LexicalAnalysis.termFrequencies("a kafka kafka")).isEqualTo(Map.of("kafka", 2));
        assertThat(LexicalAnalysis.termId("kafka")).isEqualTo(LexicalAnalysis.termId("kafka"))
                .isNotEqualTo(LexicalAnalysis.termId("kafkas"));
        assertThat(LexicalAnalysis.queryVector("the").isEmpty()).isTrue();
        assertThat(List.of(LexicalAnalysis.termId("retent"))).doesNotContainNull();
    }

    private static float valueOf(LexicalAnalysis.SparseVector v, int id) {
        for (int i = 0; i < v.indices().length; i++) {
            if (v.indices()[i] == id) {
                return v.values()[i];
            }
        }
        throw new AssertionError("no index " + id);
    }
}
