package dev.freshrag.query.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.SearchHit;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {

    private static SearchHit hit(String docId, String title, String text) {
        return new SearchHit(docId, 1, UUID.randomUUID().toString(), 0, 0.5f, title, text, Map.of());
    }

    private static List<Integer> markers(String prompt) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\[(\\d+)]").matcher(prompt);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void numbersPassagesInRetrievalOrder() {
        PromptBuilder b = new PromptBuilder(PromptTokenCounter.chars(4), 10_000);
        PromptBuilder.Prompt p = b.build(PromptBuilder.DEFAULT_TEMPLATE, "How long is the leave?", List.of(
                hit("a", "Leave", "Employees get thirty days."), hit("b", null, "Unused days expire in March."),
                hit("c", "Travel", "Book trains, not planes.")));
        assertThat(p.passages()).extracting(PromptBuilder.Passage::n).containsExactly(1, 2, 3);
        assertThat(p.passages()).extracting(x -> x.hit().docId()).containsExactly("a", "b", "c");
        assertThat(p.text()).contains("[1] Leave\nEmployees get thirty days.", "[2]\nUnused days expire in March.",
                "[3] Travel\nBook trains, not planes.", "Question: How long is the leave?");
        assertThat(markers(p.text())).containsExactly(1, 2, 3);
        assertThat(p.text()).doesNotContain("{passages}", "{question}");
        assertThat(p.skipped()).isZero();
    }

    @Test
    void passagesThatDoNotFitAreLeftOutAndNumberingStaysContiguous() {
        PromptTokenCounter counter = PromptTokenCounter.chars(1); // one token per character: exact arithmetic
        String template = "Q: {question}\n{passages}";
        int base = counter.count(PromptBuilder.render(template, "why?", ""));
        SearchHit small1 = hit("s1", null, "x".repeat(20));
        SearchHit big = hit("big", null, "y".repeat(200));
        SearchHit small2 = hit("s2", null, "z".repeat(20));
        int blockSmall = PromptBuilder.block(1, small1).length();
        int budget = base + blockSmall + 2 + blockSmall + 10; // room for two small passages and a separator, not the big one
        PromptBuilder.Prompt p = new PromptBuilder(counter, budget).build(template, "why?", List.of(small1, big, small2));
        assertThat(p.passages()).extracting(x -> x.hit().docId()).containsExactly("s1", "s2");
        assertThat(p.passages()).extracting(PromptBuilder.Passage::n).containsExactly(1, 2);
        assertThat(markers(p.text())).containsExactly(1, 2);
        assertThat(p.text()).doesNotContain("yyyy");
        assertThat(p.skipped()).isEqualTo(1);
        assertThat(p.tokens()).isEqualTo(counter.count(p.text())).isLessThanOrEqualTo(budget);
    }

    @Test
    void theBudgetHoldsWithTheEmbeddingModelsTokenizerAndIsUsedWell() {
        try (ModelTokenizer tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH)) {
            PromptTokenCounter counter = PromptTokenCounter.wordPiece(tokenizer);
            List<SearchHit> hits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                hits.add(hit("d" + i, "Policy " + i, ("Section " + i + " of the handbook says that employees must file "
                        + "their expense reports within thirty days, with receipts attached. ").repeat(3)));
            }
            for (int budget : new int[] {150, 400, 1000}) {
                PromptBuilder.Prompt p = new PromptBuilder(counter, budget).build(PromptBuilder.DEFAULT_TEMPLATE,
                        "When are expense reports due?", hits);
                int real = Math.max(0, tokenizer.countTokens(p.text()) - 2);
                assertThat(real).as("budget %d", budget).isLessThanOrEqualTo(budget).isEqualTo(p.tokens());
                assertThat(p.passages()).as("budget %d", budget).isNotEmpty();
                assertThat(p.passages().size() + p.skipped()).isEqualTo(20);
                // one more passage would not have fitted
                List<SearchHit> given = p.passages().stream().map(PromptBuilder.Passage::hit).toList();
                List<String> blocks = new ArrayList<>();
                for (int i = 0; i < given.size(); i++) {
                    blocks.add(PromptBuilder.block(i + 1, given.get(i)));
                }
                blocks.add(PromptBuilder.block(given.size() + 1, hits.get(given.size())));
                String bigger = PromptBuilder.render(PromptBuilder.DEFAULT_TEMPLATE, "When are expense reports due?",
                        String.join("\n\n", blocks));
                assertThat(tokenizer.countTokens(bigger) - 2).as("budget %d", budget).isGreaterThan(budget);
            }
        }
    }

    @Test
    void placeholderLookalikesInTheQuestionOrPassagesAreNotReplaced() {
        PromptBuilder b = new PromptBuilder(PromptTokenCounter.chars(4), 10_000);
        PromptBuilder.Prompt p = b.build("{passages}|{question}|{question}", "what is {passages}?",
                List.of(hit("a", null, "the text says {question}")));
        assertThat(p.text()).isEqualTo("[1]\nthe text says {question}|what is {passages}?|what is {passages}?");
    }

    @Test
    void whenTheQuestionAloneFillsTheBudgetNoPassageIsGiven() {
        PromptBuilder.Prompt p = new PromptBuilder(PromptTokenCounter.chars(1), 30)
                .build("{question}{passages}", "q".repeat(29), List.of(hit("a", null, "some passage")));
        assertThat(p.passages()).isEmpty();
        assertThat(p.skipped()).isEqualTo(1);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new PromptBuilder(PromptTokenCounter.chars(4), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromptTokenCounter.chars(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
