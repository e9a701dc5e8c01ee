package dev.freshrag.ingest.chunking;

import dev.freshrag.tokenizer.TokenCounter;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Splits paragraph blocks into chunks of at most {@code maxTokens} model tokens (special tokens
 * included, so the embedder never truncates).
 *
 * <p>Boundaries are content-defined rather than purely greedy: a chunk closes at a heading, when the
 * next unit would not fit, or after an "anchor" paragraph (chosen by a hash of its own text) once the
 * chunk has at least {@code minTokens}. Because anchors depend only on the paragraph itself, an edit in
 * one paragraph changes only the chunk holding it; the boundaries after the next anchor are the same
 * as before, so the rest of the document keeps its chunk ids and its embeddings.
 *
 * <p>Token counts add up: the models' WordPiece tokenizers split on whitespace before anything else, so the
 * content tokens of texts joined by whitespace are the sum of each text's ({@code ChunkerTest} checks this of the
 * real tokenizer). A chunk's count is therefore known from its units, and the tokenizer sees each paragraph once,
 * never the joined chunk again: a 5 MiB document of 13,761 chunks spent most of its chunking time re-counting them.
 */
public final class Chunker {

    /** [CLS] and [SEP]: counted once per chunk, not once per paragraph. */
    private static final int SPECIAL_TOKENS = 2;
    /** One paragraph in this many is an anchor; about three paragraphs per chunk on prose. */
    private static final int ANCHOR_MODULUS = 3;

    private final TokenCounter tokens;
    private final int maxTokens;
    private final int minTokens;

    public Chunker(TokenCounter tokens, int maxTokens, int minTokens) {
        if (maxTokens < 16 || minTokens < 0 || minTokens > maxTokens) {
            throw new IllegalArgumentException("need 16 <= maxTokens and 0 <= minTokens <= maxTokens");
        }
        this.tokens = tokens;
        this.maxTokens = maxTokens;
        this.minTokens = minTokens;
    }

    public List<Chunk> chunk(List<Block> blocks) {
        List<Unit> units = new ArrayList<>();
        for (Block b : blocks) {
            int t = surelyTooLong(b.text()) ? Integer.MAX_VALUE - SPECIAL_TOKENS : contentTokens(b.text());
            if (t + SPECIAL_TOKENS <= maxTokens) {
                units.add(new Unit(b.text(), t, b.heading()));
            } else {
                boolean first = true;
                for (Unit piece : splitLong(b.text())) {
                    units.add(new Unit(piece.text(), piece.tokens(), first && b.heading()));
                    first = false;
                }
            }
        }
        List<Chunk> chunks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int acc = 0;
        for (Unit u : units) {
            boolean fits = acc + u.tokens() + SPECIAL_TOKENS <= maxTokens;
            if (acc > 0 && (u.heading() || !fits)) {
                emit(chunks, text, acc);
                acc = 0;
            }
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(u.text());
            acc += u.tokens();
            if (acc >= minTokens && isAnchor(u.text()) && !u.heading()) {
                emit(chunks, text, acc);
                acc = 0;
            }
        }
        emit(chunks, text, acc);
        return chunks;
    }

    /** Closes the chunk in {@code text}; its units' content tokens add up to {@code contentTokens} (see above). */
    private static void emit(List<Chunk> chunks, StringBuilder text, int contentTokens) {
        if (text.isEmpty()) {
            return;
        }
        String t = text.toString();
        text.setLength(0);
        chunks.add(new Chunk(chunks.size(), t, ContentHash.sha256(t), contentTokens + SPECIAL_TOKENS));
    }

    /**
     * A paragraph too long for one chunk: sentences, then words, then characters, packed greedily. Token counts of
     * the pieces are remembered for this paragraph: a line of millions of repeated words (a hostile document, or
     * a long table of numbers) costs one tokenizer call per distinct word instead of two per word, which took
     * minutes for a 5 MiB line; the counts, and so the chunks, are the same.
     */
    private List<Unit> splitLong(String text) {
        Map<String, Integer> counts = new HashMap<>();
        List<String> pieces = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = text.substring(start, end).strip();
            if (sentence.isEmpty()) {
                continue;
            }
            if (!surelyTooLong(sentence) && counts.computeIfAbsent(sentence, this::contentTokens) + SPECIAL_TOKENS <= maxTokens) {
                pieces.add(sentence);
            } else {
                pieces.addAll(splitWords(sentence, counts));
            }
        }
        return pack(pieces, " ", counts);
    }

    private List<String> splitWords(String sentence, Map<String, Integer> counts) {
        List<String> words = new ArrayList<>();
        for (String w : sentence.split("\\s+")) {
            if (w.isEmpty()) {
                continue;
            }
            if (counts.computeIfAbsent(w, this::contentTokens) + SPECIAL_TOKENS <= maxTokens) {
                words.add(w);
            } else {
                // a single "word" longer than a chunk (base64, minified code): cut it by characters
                int step = Math.max(1, maxTokens - SPECIAL_TOKENS) ;
                for (int i = 0; i < w.length(); i += step) {
                    words.add(w.substring(i, Math.min(w.length(), i + step)));
                }
            }
        }
        return words;
    }

    private List<Unit> pack(List<String> pieces, String sep, Map<String, Integer> counts) {
        List<Unit> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int acc = 0;
        for (String p : pieces) {
            int t = counts.computeIfAbsent(p, this::contentTokens);
            if (acc > 0 && acc + t + SPECIAL_TOKENS > maxTokens) {
                out.add(new Unit(sb.toString(), acc, false));
                sb.setLength(0);
                acc = 0;
            }
            if (!sb.isEmpty()) {
                sb.append(sep);
            }
            sb.append(p);
            acc += t;
        }
        if (!sb.isEmpty()) {
            out.add(new Unit(sb.toString(), acc, false));
        }
        return out;
    }

    /**
     * Whether the text cannot fit one chunk, known without the tokenizer: every whitespace-separated word is at least
     * one token, so more words than a chunk holds tokens is too long. It spares tokenizing a whole paragraph of
     * megabytes (one line of 5 MiB took the tokenizer most of a minute, twice) only to learn that it must be split.
     * On any real text the tokenizer would have said too long as well, so the chunks are the same; only a word made
     * of nothing but characters the tokenizer drops (control characters) counts no token, and such a text is merely
     * split into pieces and packed again by their real counts.
     */
    private boolean surelyTooLong(String text) {
        int limit = maxTokens - SPECIAL_TOKENS;
        if (text.length() <= limit) {
            return false; // fewer characters than tokens allowed: fewer words too
        }
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord && ++words > limit) {
                return true;
            }
            inWord = !space;
        }
        return false;
    }

    private int contentTokens(String text) {
        return Math.max(0, tokens.countTokens(text) - SPECIAL_TOKENS);
    }

    private static boolean isAnchor(String paragraph) {
        return Math.floorMod(paragraph.hashCode(), ANCHOR_MODULUS) == 0;
    }

    private record Unit(String text, int tokens, boolean heading) {
    }
}
