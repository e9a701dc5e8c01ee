package dev.freshrag.query.answer;

import dev.freshrag.embedding.Embedder;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An answer without an LLM: the sentences of the given passages most similar to the question, each followed
 * by the number of its passage, e.g. {@code "Employees receive thirty days of paid vacation. [1]"}.
 * Similarity is the cosine between embeddings of the question and of each sentence, computed with the same
 * embedding model as retrieval (one batch per answer). Sentences are ranked by that score; at most
 * {@code maxSentences} are taken, and only those within {@value #MARGIN} of the best one, so weakly related
 * filler is left out. Nothing is generated: every word of the answer is quoted from a passage.
 */
public final class ExtractiveGenerator {

    /** The answer when no passage was given. */
    public static final String NO_PASSAGES = "No passage in the knowledge base answers this question.";
    /** Sentences scoring more than this below the best are not used. */
    public static final double MARGIN = 0.15;
    /** At most this many sentences are scored per answer (the first ones of the best passages). */
    public static final int MAX_CANDIDATES = 96;
    private static final int MIN_WORDS = 3;

    private static final Pattern BLOCK_BREAK = Pattern.compile("\\n\\s*\\n|\\n(?=\\s*(?:#{1,6}\\s|[-*+>]\\s|\\d+[.)]\\s|\\|))");
    private static final Pattern MARKUP = Pattern.compile("^\\s*(?:#{1,6}\\s+|[-*+>]\\s+|\\d+[.)]\\s+|\\|)+");
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{N}'-]*|\\p{N}+");

    /** A sentence of passage {@code n} with its similarity to the question. */
    public record Sentence(String text, int n, int position, double score) {
    }

    /**
     * @param text     the whole answer
     * @param pieces   the answer in the pieces a stream sends (one per sentence); they concatenate to {@code text}
     * @param sentences the sentences used, best first
     */
    public record Result(String text, List<String> pieces, List<Sentence> sentences) {
    }

    private final Embedder embedder;
    private final int maxSentences;

    public ExtractiveGenerator(Embedder embedder, int maxSentences) {
        if (maxSentences < 1) {
            throw new IllegalArgumentException("freshrag.answer.extractive-max-sentences must be at least 1, was " + maxSentences);
        }
        this.embedder = embedder;
        this.maxSentences = maxSentences;
    }

    public Result answer(String question, List<PromptBuilder.Passage> passages) {
        return answer(embedder, question, passages);
    }

    /**
     * The answer with the sentences and the question embedded by {@code model}: the model of the generation the
     * passages were retrieved from.
     */
    public Result answer(Embedder model, String question, List<PromptBuilder.Passage> passages) {
        List<Sentence> candidates = new ArrayList<>();
        for (PromptBuilder.Passage p : passages) {
            List<String> ss = sentences(p.hit().text());
            for (int i = 0; i < ss.size() && candidates.size() < MAX_CANDIDATES; i++) {
                candidates.add(new Sentence(ss.get(i), p.n(), i, 0));
            }
        }
        if (candidates.isEmpty()) {
            return new Result(NO_PASSAGES, List.of(NO_PASSAGES), List.of());
        }
        List<String> texts = new ArrayList<>(candidates.size());
        candidates.forEach(c -> texts.add(c.text()));
        // the question is a query (bge-small-en-v1.5 puts its query instruction in front), the sentences passages
        float[] q = model.embedQuery(question);
        float[][] v = model.embed(texts);
        List<Sentence> scored = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Sentence c = candidates.get(i);
            scored.add(new Sentence(c.text(), c.n(), c.position(), dot(q, v[i])));
        }
        scored.sort(Comparator.comparingDouble(Sentence::score).reversed()
                .thenComparingInt(Sentence::n).thenComparingInt(Sentence::position));
        double best = scored.get(0).score();
        List<Sentence> chosen = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Sentence s : scored) {
            if (chosen.size() == maxSentences || s.score() < best - MARGIN) {
                break;
            }
            if (seen.add(s.text().toLowerCase(Locale.ROOT))) {
                chosen.add(s);
            }
        }
        List<String> pieces = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
            Sentence s = chosen.get(i);
            pieces.add((i == 0 ? "" : " ") + s.text() + " [" + s.n() + "]");
        }
        return new Result(String.join("", pieces), List.copyOf(pieces), List.copyOf(chosen));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * The sentences of a passage: split into blocks at blank lines and Markdown list items, headings, quotes
     * and table rows; hard-wrapped lines inside a block joined; then split with {@link BreakIterator}.
     * Markup at the start is removed; fragments under {@value #MIN_WORDS} words (headings such as "# Leave")
     * are dropped.
     */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String block : BLOCK_BREAK.split(text)) {
            String flat = MARKUP.matcher(block).replaceFirst("").replaceAll("\\s+", " ").strip();
            if (flat.isEmpty()) {
                continue;
            }
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
            it.setText(flat);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String s = flat.substring(start, end).strip();
                if (WORD.matcher(s).results().count() >= MIN_WORDS) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
