package dev.freshrag.query.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.index.SearchHit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The extractive generator with the real embedding model (all-MiniLM-L6-v2, ONNX, from the classpath). */
class ExtractiveGeneratorTest {

    private static OnnxEmbedder embedder;
    private static ExtractiveGenerator generator;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(EmbedderOptions.defaults());
        generator = new ExtractiveGenerator(embedder, 2);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private static PromptBuilder.Passage passage(int n, String text) {
        return new PromptBuilder.Passage(n, new SearchHit("doc" + n, 1, UUID.randomUUID().toString(), 0, 0.5f, "t", text, Map.of()));
    }

    private static List<Integer> markers(String answer) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+)]").matcher(answer);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void answersWithTheSentenceThatAnswersAndCitesItsPassage() {
        List<PromptBuilder.Passage> passages = List.of(
                passage(1, "# Travel\n\nTrain tickets are booked through the travel desk. Flights need approval from a director."),
                passage(2, "# Leave\n\nEmployees receive thirty days of paid vacation every calendar year.\n\n"
                        + "Unused vacation days expire at the end of March of the following year."),
                passage(3, "The cafeteria opens at eight and serves lunch until two."));
        ExtractiveGenerator.Result r = generator.answer("How many vacation days do employees get?", passages);
        assertThat(r.sentences().get(0).text()).isEqualTo("Employees receive thirty days of paid vacation every calendar year.");
        assertThat(r.text()).startsWith("Employees receive thirty days of paid vacation every calendar year. [2]");
        assertThat(r.text()).doesNotContain("cafeteria").doesNotContain("#");
        assertThat(markers(r.text())).isNotEmpty().allMatch(n -> n >= 1 && n <= 3);
        assertThat(String.join("", r.pieces())).isEqualTo(r.text());
        assertThat(r.sentences()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void citesOnlyThePassagesItWasGiven() {
        List<PromptBuilder.Passage> passages = List.of(passage(1, "Penguins huddle together to survive the Antarctic winter."),
                passage(2, "Emperor penguins breed during the coldest months of the year."));
        ExtractiveGenerator.Result r = generator.answer("How do penguins survive the winter?", passages);
        assertThat(markers(r.text())).isNotEmpty().allMatch(n -> n == 1 || n == 2);
        assertThat(r.text()).startsWith("Penguins huddle together to survive the Antarctic winter. [1]");
    }

    @Test
    void withoutPassagesItSaysSoAndCitesNothing() {
        ExtractiveGenerator.Result r = generator.answer("Anything?", List.of());
        assertThat(r.text()).isEqualTo(ExtractiveGenerator.NO_PASSAGES);
        assertThat(markers(r.text())).isEmpty();
        assertThat(r.sentences()).isEmpty();
    }

    @Test
    void sentencesAreSplitAcrossMarkdownAndWrappedLines() {
        List<String> s = ExtractiveGenerator.sentences("# Leave policy\n\nEmployees receive thirty days\nof paid vacation. "
                + "Days expire in March.\n\n- Requests go to your manager first.\n- Ok.\n| Table row with some words |");
        assertThat(s).containsExactly("Employees receive thirty days of paid vacation.", "Days expire in March.",
                "Requests go to your manager first.", "Table row with some words |");
    }
}
