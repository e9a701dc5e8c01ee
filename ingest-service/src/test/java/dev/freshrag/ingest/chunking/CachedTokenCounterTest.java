package dev.freshrag.ingest.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ContentType;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenCounter;
import dev.freshrag.tokenizer.TokenizerFiles;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With the real tokenizer: the cache changes how often it is called, never what the chunks are. */
class CachedTokenCounterTest {

    private static ModelTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    private static String document(int paragraphs, String edit) {
        StringBuilder sb = new StringBuilder("# Caching token counts\n\n");
        for (int i = 0; i < paragraphs; i++) {
            sb.append("Paragraph ").append(i).append(" says that a fresh index re-embeds only what changed, and that")
                    .append(" the tokenizer runs on paragraph ").append(i * 7).append(" once.\n\n");
            if (i == paragraphs / 2) {
                sb.append(edit).append("\n\n");
            }
        }
        return sb.toString();
    }

    @Test
    void aNewVersionTokenizesOnlyWhatChanged() {
        AtomicLong calls = new AtomicLong();
        TokenCounter counting = text -> {
            calls.incrementAndGet();
            return tokenizer.countTokens(text);
        };
        DocumentChunker cached = new DocumentChunker(new TextExtractor(), new Chunker(new CachedTokenCounter(counting, 10_000), 256, 64), 20_000);
        DocumentChunker uncached = new DocumentChunker(new TextExtractor(), new Chunker(tokenizer, 256, 64), 20_000);

        String v1 = document(300, "The first version of the edited paragraph.");
        String v2 = document(300, "The second version of the edited paragraph, somewhat longer than before.");
        List<Chunk> first = cached.chunk(v1, ContentType.TEXT_MARKDOWN);
        long firstCalls = calls.get();
        List<Chunk> second = cached.chunk(v2, ContentType.TEXT_MARKDOWN);
        long secondCalls = calls.get() - firstCalls;
        System.out.printf("token counter calls: version 1 %d, version 2 (one paragraph edited) %d%n", firstCalls, secondCalls);

        assertThat(first).isEqualTo(uncached.chunk(v1, ContentType.TEXT_MARKDOWN));
        assertThat(second).isEqualTo(uncached.chunk(v2, ContentType.TEXT_MARKDOWN));
        assertThat(firstCalls).isGreaterThan(300);
        // the edited paragraph and the chunk text holding it, possibly a re-split at a seam: a handful, not hundreds
        assertThat(secondCalls).isBetween(1L, 6L);
    }

    @Test
    void zeroEntriesCountsEveryTime() {
        AtomicLong calls = new AtomicLong();
        CachedTokenCounter off = new CachedTokenCounter(text -> {
            calls.incrementAndGet();
            return tokenizer.countTokens(text);
        }, 0);
        int a = off.countTokens("the same text twice");
        off.cache().cleanUp();
        int b = off.countTokens("the same text twice");
        assertThat(a).isEqualTo(b).isEqualTo(tokenizer.countTokens("the same text twice"));
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void differentTextsNeverShareAKey() {
        CachedTokenCounter counter = new CachedTokenCounter(tokenizer, 1_000);
        assertThat(counter.countTokens("short")).isEqualTo(tokenizer.countTokens("short"));
        assertThat(counter.countTokens("a considerably longer text with many more tokens in it"))
                .isEqualTo(tokenizer.countTokens("a considerably longer text with many more tokens in it"));
        assertThat(CachedTokenCounter.TextKey.of("a")).isNotEqualTo(CachedTokenCounter.TextKey.of("b"))
                .isEqualTo(CachedTokenCounter.TextKey.of("a"));
    }
}
