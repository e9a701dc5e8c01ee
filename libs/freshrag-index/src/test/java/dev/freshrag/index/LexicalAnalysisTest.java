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
        assertThat(LexicalAnalysis.terms("the and of")).isEmpty();
        assertThat(LexicalAnalysis.terms(null)).isEmpty();
    }

    @Test
    void identifiersAreKeptWholeAndSplitIntoTheirParts() {
        // environment variables, dotted names, snake_case, CamelCase C names, error codes: whole, then the parts
        assertThat(LexicalAnalysis.terms("FRESHRAG_INDEX_KIND")).containsExactlyInAnyOrder(
                "freshrag_index_kind", "freshrag", "index", "kind");
        assertThat(LexicalAnalysis.terms("os.path.join")).containsExactlyInAnyOrder("os.path.join", "os", "path", "join");
        assertThat(LexicalAnalysis.terms("functools.partial")).contains("functools.parti", "functool", "partial");
        // (a split at a lower-to-upper case change only: "GILState" stays one part)
        assertThat(LexicalAnalysis.terms("PyGILState_Ensure")).containsExactlyInAnyOrder("pygilstate_ensur", "py", "gilstat", "ensur");
        assertThat(LexicalAnalysis.terms("E1042")).containsExactlyInAnyOrder("e1042", "e", "1042");
        assertThat(LexicalAnalysis.terms("__future__")).containsExactlyInAnyOrder("__future__", "futur");
        // a plain word is one term, once
        assertThat(LexicalAnalysis.terms("PYTHONBYTECODEBASE")).containsExactly("pythonbytecodebas");
        assertThat(LexicalAnalysis.terms("kafka")).containsExactly("kafka");
    }

    @Test
    void aQueryKeepsItsFirstDistinctTermsOnly() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append(' ').append(word(i)).append(' ').append(word(i));
        }
        Map<String, Integer> tf = LexicalAnalysis.queryTermFrequencies(text.toString());
        assertThat(tf).hasSize(LexicalAnalysis.MAX_QUERY_TERMS).containsEntry(word(0), 2).containsKey(word(255))
                .doesNotContainKey(word(256));
        assertThat(LexicalAnalysis.queryVector(text.toString()).indices()).hasSize(2 * LexicalAnalysis.MAX_QUERY_TERMS);
    }

    @Test
    void numbersLoseTheirLeadingZerosSoPaddedIdsMatchPlainNumbers() {
        assertThat(LexicalAnalysis.terms("pep-0008")).containsExactly("pep", "8");
        assertThat(LexicalAnalysis.terms("PEP 8")).containsExactly("pep", "8");
        assertThat(LexicalAnalysis.terms("0 00 100 0100")).containsExactly("0", "0", "100", "100");
    }

    @Test
    void theLabelIsTheTitleAndTheDocIdAndItsTermsHaveIdsOfTheirOwn() {
        assertThat(LexicalAnalysis.label("Style Guide", "pep-0008")).isEqualTo("Style Guide\npep-0008");
        assertThat(LexicalAnalysis.label(null, "pep-0008")).isEqualTo("pep-0008");
        assertThat(LexicalAnalysis.labelTermId("kafka")).isNotEqualTo(LexicalAnalysis.termId("kafka"));

        LexicalAnalysis.SparseVector d = LexicalAnalysis.documentVector("kafka broker", "Kafka guide\nkafka.md");
        float k1 = LexicalAnalysis.K1;
        float b = LexicalAnalysis.B;
        // text: 2 terms against the text's average; label: kafka, guid, kafka.md, kafka, md = 5 terms, kafka twice
        assertThat(valueOf(d, LexicalAnalysis.termId("kafka"))).isEqualTo(1 / (1 + k1 * (1 - b + b * 2 / LexicalAnalysis.AVERAGE_TERMS)));
        assertThat(valueOf(d, LexicalAnalysis.labelTermId("kafka")))
                .isEqualTo(2 / (2 + k1 * (1 - b + b * 5 / LexicalAnalysis.AVERAGE_LABEL_TERMS)));
        assertThat(valueOf(d, LexicalAnalysis.labelTermId("guid"))).isPositive();
    }

    @Test
    void documentValuesSaturateWithTermFrequencyAndShrinkWithLength() {
        LexicalAnalysis.SparseVector once = LexicalAnalysis.documentVector("kafka broker", null);
        LexicalAnalysis.SparseVector thrice = LexicalAnalysis.documentVector("kafka kafka kafka", null);
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

        assertThat(q.indices()).hasSize(6); // each term as a text term and as a label term
        for (int i = 1; i < q.indices().length; i++) {
            assertThat(Integer.compareUnsigned(q.indices()[i - 1], q.indices()[i])).isNegative();
        }
        assertThat(valueOf(q, LexicalAnalysis.termId("retent"))).isEqualTo(2f);
        assertThat(valueOf(q, LexicalAnalysis.termId("kafka"))).isEqualTo(1f);
        assertThat(valueOf(q, LexicalAnalysis.labelTermId("retent"))).isEqualTo(2f);
        assertThat(LexicalAnalysis.termFrequencies("a kafka kafka")).isEqualTo(Map.of("kafka", 2));
        assertThat(LexicalAnalysis.termId("kafka")).isEqualTo(LexicalAnalysis.termId("kafka"))
                .isNotEqualTo(LexicalAnalysis.termId("kafkas"));
        assertThat(LexicalAnalysis.queryVector("the").isEmpty()).isTrue();
        assertThat(List.of(LexicalAnalysis.termId("retent"))).doesNotContainNull();
    }

    /** A distinct letters-only word per number, which the analysis leaves as it is. */
    static String word(int i) {
        StringBuilder w = new StringBuilder("zq");
        do {
            w.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return w.append('x').toString();
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
