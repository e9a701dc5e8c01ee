package dev.freshrag.query.answer;

import dev.freshrag.index.SearchHit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the prompt: the template with {@code {question}} and {@code {passages}} replaced, the passages
 * numbered [1]..[n] in retrieval order. Passages are taken best first while the whole prompt stays within the
 * token budget; one that does not fit is left out (a later, shorter one may still fit) and numbering stays
 * contiguous. Only the passages in the prompt become citations.
 */
public final class PromptBuilder {

    /** The built-in template; a tenant's or {@code freshrag.answer.prompt-template} replaces it. */
    public static final String DEFAULT_TEMPLATE = """
            Answer the question using only the numbered passages below. After each statement, cite the passages \
            it is based on by their numbers in square brackets, for example [1] or [2][3]. If the passages do not \
            contain the answer, say that you do not know.

            Passages:
            {passages}

            Question: {question}
            Answer:""";

    private static final String SEPARATOR = "\n\n";

    /** A passage as given to the generator: its number in the prompt and the retrieved chunk. */
    public record Passage(int n, SearchHit hit) {
    }

    /**
     * @param text    the prompt
     * @param tokens  its size by the counter in use
     * @param skipped retrieved passages left out because they did not fit
     */
    public record Prompt(String text, List<Passage> passages, int tokens, int budget, int skipped) {
    }

    private final PromptTokenCounter counter;
    private final int budget;

    public PromptBuilder(PromptTokenCounter counter, int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("freshrag.answer.prompt-token-budget must be positive, was " + budget);
        }
        this.counter = Objects.requireNonNull(counter, "counter");
        this.budget = budget;
    }

    public int budget() {
        return budget;
    }

    public Prompt build(String template, String question, List<SearchHit> hits) {
        int used = counter.count(render(template, question, ""));
        int separatorCost = counter.count(SEPARATOR);
        List<Passage> chosen = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        int skipped = 0;
        for (SearchHit hit : hits) {
            String block = block(chosen.size() + 1, hit);
            int cost = counter.count(block) + (chosen.isEmpty() ? 0 : separatorCost);
            if (used + cost <= budget) {
                chosen.add(new Passage(chosen.size() + 1, hit));
                blocks.add(block);
                used += cost;
            } else {
                skipped++;
            }
        }
        // token counts of parts need not add up exactly to the count of the whole: check the whole
        String text = render(template, question, String.join(SEPARATOR, blocks));
        int tokens = counter.count(text);
        while (tokens > budget && !chosen.isEmpty()) {
            chosen.remove(chosen.size() - 1);
            blocks.remove(blocks.size() - 1);
            skipped++;
            text = render(template, question, String.join(SEPARATOR, blocks));
            tokens = counter.count(text);
        }
        return new Prompt(text, List.copyOf(chosen), tokens, budget, skipped);
    }

    /** {@code [n] title} and the passage text on the next line; no title line when the chunk has none. */
    static String block(int n, SearchHit hit) {
        String title = hit.title() == null || hit.title().isBlank() ? "" : " " + hit.title().strip();
        return "[" + n + "]" + title + "\n" + (hit.text() == null ? "" : hit.text().strip());
    }

    /**
     * Replaces {@code {question}} and {@code {passages}} in one pass, so that text inside the question or the
     * passages that looks like a placeholder is never replaced itself.
     */
    static String render(String template, String question, String passages) {
        StringBuilder out = new StringBuilder(template.length() + question.length() + passages.length());
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith("{question}", i)) {
                out.append(question);
                i += "{question}".length();
            } else if (template.startsWith("{passages}", i)) {
                out.append(passages);
                i += "{passages}".length();
            } else {
                out.append(template.charAt(i++));
            }
        }
        return out.toString();
    }
}
