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
                && !q.text().isBlank() && List.of("semantic", "identifier", "paraphrase", "deep").contains(q.kind())), "kinds");
    }

    @Test
    void theQuestionsOfRunsOneToFiveStayAsTheyWereSoTheirFiguresCompare() throws Exception {
        List<RetrievalBench.Question> questions = RetrievalBench.questions();
        List<RetrievalBench.Question> first = questions.stream().filter(q -> q.set().equals(RetrievalBench.FIRST_SET)).toList();

        assertEquals(55, first.size());
        assertEquals(first, questions.subList(0, 55), "the first set comes first");
        assertEquals(16, first.stream().filter(q -> q.kind().equals("identifier")).count());
        assertTrue(questions.size() >= 110, "questions: " + questions.size());
    }

    @Test
    void theQualityRowsAreAllEachSetAndEachKind() {
        List<RetrievalBench.Question> questions = List.of(
                new RetrievalBench.Question("a", "semantic", "pep-0001", "x", "q1"),
                new RetrievalBench.Question("b", "deep", "pep-0002", "x", "q2"));

        assertEquals(List.of("all", "set a", "set b", "semantic", "deep"), RetrievalBench.groups(questions));
        assertTrue(RetrievalBench.inGroup(questions.get(1), "set b"));
        assertTrue(RetrievalBench.inGroup(questions.get(1), "deep"));
        assertTrue(!RetrievalBench.inGroup(questions.get(1), "set a") && !RetrievalBench.inGroup(questions.get(1), "semantic"));
        assertEquals(List.of("all", "semantic"), RetrievalBench.groups(questions.subList(0, 1)));
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
