package dev.freshrag.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetrievalBenchTest {

    @Test
    void theLabelledSetHasEnoughQuestionsAndExactIdentifiers() throws Exception {
        List<RetrievalBench.Question> questions = RetrievalBench.questions();

        assertTrue(questions.size() >= 40, "questions: " + questions.size());
        assertTrue(questions.stream().filter(q -> q.kind().equals("identifier")).count() >= 10);
        assertTrue(questions.stream().allMatch(q -> q.docId().matches("pep-\\d{4}") && !q.evidence().isBlank()
                && !q.text().isBlank() && (q.kind().equals("semantic") || q.kind().equals("identifier"))));
    }

    @Test
    void metricsCountTheFirstRankOfTheRightDocumentWithinTen() {
        List<Integer> ranks = List.of(1, 2, 5, 0, 11);

        assertEquals(0.2, RetrievalBench.hitAt(ranks, 1), 1e-9);
        assertEquals(0.6, RetrievalBench.hitAt(ranks, 5), 1e-9);
        assertEquals((1 + 0.5 + 0.2) / 5, RetrievalBench.mrr(ranks), 1e-9);
        assertEquals((1 + 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(6) / Math.log(2))) / 5,
                RetrievalBench.ndcg(ranks), 1e-9);
    }

    @Test
    void chunksAreWholeParagraphsPackedUpToTheLimit() {
        List<String> chunks = RetrievalBench.chunk("aaaa\n\nbbbb\n\ncccccccccccccccc\n\ndd", 10);

        assertEquals(List.of("aaaa\n\nbbbb", "cccccccccccccccc", "dd"), chunks);
    }
}
