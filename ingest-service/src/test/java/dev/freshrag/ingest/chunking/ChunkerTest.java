package dev.freshrag.ingest.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With the real model tokenizer: the bound is in model tokens, exactly what the embedder will see. */
class ChunkerTest {

    private static ModelTokenizer tokenizer;
    private static Chunker chunker;

    @BeforeAll
    static void load() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
        chunker = new Chunker(tokenizer, 256, 64);
    }

    private static List<Block> paragraphs(int n, long seed) {
        Random r = new Random(seed);
        String[] words = {"index", "fresh", "kafka", "vector", "chunk", "tenant", "stream", "model", "search", "answer", "the", "of", "and"};
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int sentences = 1 + r.nextInt(5);
            for (int s = 0; s < sentences; s++) {
                int len = 5 + r.nextInt(20);
                for (int w = 0; w < len; w++) {
                    sb.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
                }
                sb.append(i).append(". ");
            }
            blocks.add(new Block(sb.toString().strip(), false));
        }
        return blocks;
    }

    /**
     * The chunker adds units' counts instead of re-tokenizing each chunk: that holds only if the tokenizer's counts add
     * up over whitespace joins. Checked on hostile pieces: punctuation, accents, CJK, emoji, digits, over-long words,
     * control characters, markup.
     */
    @Test
    void tokenCountsAddUpOverWhitespaceJoins() {
        String[] pieces = {"index", "Fresh-RAG's", "naïve café", "東京タワー", "🙂👍🏽", "3.14159e10", "x".repeat(150), "a\u0000b\u0007c",
            "**bold** _it_ `code`", "<b>tag</b>", "don't", "U.S.A.", "supercalifragilisticexpialidocious", "Ǆemal", "ﬁne", "\t", "—–-",
            "peps/pep-0008.txt", "$HOME/.m2", "ÅÄÖ åäö", "ﬀ", "١٢٣", "العربية", "Ελληνικά", "ß", "İstanbul"};
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                a.append(pieces[r.nextInt(pieces.length)]).append(k > 1 ? " " : "");
                b.append(pieces[r.nextInt(pieces.length)]).append(k > 1 ? "\n" : "");
            }
            for (String sep : new String[] {" ", "\n\n", "\n"}) {
                String joined = a + sep + b;
                assertThat(tokenizer.countTokens(joined) - 2)
                        .as("content tokens of [%s]", joined)
                        .isEqualTo(tokenizer.countTokens(a.toString()) - 2 + tokenizer.countTokens(b.toString()) - 2);
            }
        }
    }

    @Test
    void everyChunkFitsTheModel() {
        List<Chunk> chunks = chunker.chunk(paragraphs(200, 1));
        assertThat(chunks).hasSizeGreaterThan(10);
        for (Chunk c : chunks) {
            assertThat(tokenizer.countTokens(c.text())).isLessThanOrEqualTo(256).isEqualTo(c.tokens());
            assertThat(c.hash()).isEqualTo(ContentHash.sha256(c.text()));
        }
        assertThat(chunks).extracting(Chunk::seq).containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
    }

    @Test
    void longParagraphsSplitOnSentencesAndGiantWordsOnCharacters() {
        String longSentence = "word ".repeat(600).strip() + ".";
        String giant = "x".repeat(5000);
        List<Chunk> chunks = chunker.chunk(List.of(new Block("A sentence. " + longSentence + " Another one.", false), new Block(giant, false)));
        for (Chunk c : chunks) {
            assertThat(tokenizer.countTokens(c.text())).isLessThanOrEqualTo(256);
        }
        String joined = String.join(" ", chunks.stream().map(Chunk::text).toList());
        assertThat(joined.replaceAll("\\s+", "")).isEqualTo(("A sentence. " + longSentence + " Another one." + giant).replaceAll("\\s+", ""));
    }

    @Test
    void anEditMovesOnlyNearbyBoundaries() {
        List<Block> original = paragraphs(120, 7);
        List<Block> edited = new ArrayList<>(original);
        edited.set(60, new Block(original.get(60).text() + " An inserted sentence about something new entirely.", false));
        Set<String> before = new HashSet<>(chunker.chunk(original).stream().map(Chunk::hash).toList());
        List<Chunk> after = chunker.chunk(edited);
        long changed = after.stream().filter(c -> !before.contains(c.hash())).count();
        assertThat(after.size()).isGreaterThan(20);
        assertThat(changed).isBetween(1L, 3L);
    }

    @Test
    void headingsStartChunks() {
        List<Chunk> chunks = chunker.chunk(List.of(new Block("Intro text.", false), new Block("Section", true), new Block("Body.", false)));
        assertThat(chunks).extracting(Chunk::text).containsExactly("Intro text.", "Section\n\nBody.");
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aMultiMebibyteHostileLineIsCutIntoChunksThatFit() {
        String line = "*y ".repeat(5 * 1024 * 1024 / 3);
        List<Chunk> chunks = new DocumentChunker(new TextExtractor(), chunker, 20_000)
                .chunk(line, dev.freshrag.events.ContentType.TEXT_MARKDOWN);
        assertThat(chunks).hasSizeGreaterThan(1000);
        assertThat(chunks).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(256));
        assertThat(chunks.stream().mapToLong(c -> c.text().replace(" ", "").length()).sum())
                .isEqualTo(line.replace(" ", "").length());
    }

    @Test
    void aHugeParagraphIsSplitWithoutTokenizingItWhole() {
        java.util.concurrent.atomic.AtomicInteger longest = new java.util.concurrent.atomic.AtomicInteger();
        Chunker watched = new Chunker(text -> {
            longest.accumulateAndGet(text.length(), Math::max);
            return tokenizer.countTokens(text);
        }, 256, 64);
        String line = "*y ".repeat(1024 * 1024 / 3);
        List<Chunk> chunks = new DocumentChunker(new TextExtractor(), watched, 20_000)
                .chunk(line, dev.freshrag.events.ContentType.TEXT_MARKDOWN);
        assertThat(chunks).hasSizeGreaterThan(500).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(256));
        System.out.printf("1 MiB line: %d chunks; longest text given to the tokenizer %d characters%n", chunks.size(), longest.get());
        assertThat(longest.get()).as("no tokenizer call sees more than a few chunks' worth of text").isLessThan(16 * 1024);
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new Chunker(tokenizer, 8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chunker(tokenizer, 256, 300)).isInstanceOf(IllegalArgumentException.class);
    }
}
