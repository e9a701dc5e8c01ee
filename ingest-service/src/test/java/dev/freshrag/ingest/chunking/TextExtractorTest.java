package dev.freshrag.ingest.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TextExtractorTest {

    private final TextExtractor extractor = new TextExtractor();

    @Test
    void plainTextSplitsOnBlankLines() {
        List<Block> blocks = extractor.extract("First para\nstill first.\n\n\n  Second para.  \r\n\r\nThird.", ContentType.TEXT_PLAIN);
        assertThat(blocks).extracting(Block::text).containsExactly("First para\nstill first.", "Second para.", "Third.");
        assertThat(blocks).noneMatch(Block::heading);
    }

    @Test
    void markdownLosesItsSyntaxButKeepsItsText() {
        String md = """
                # Leave policy

                Employees get **25 days** of [paid leave](https://example.org/leave) per `year`.

                - first item
                - second _item_

                ```java
                int x = 1;
                ```
                Setext heading
                ==============
                > quoted words
                """;
        List<Block> blocks = extractor.extract(md, ContentType.TEXT_MARKDOWN);
        assertThat(blocks).extracting(Block::text).containsExactly(
                "Leave policy",
                "Employees get 25 days of paid leave per year.",
                "first item\nsecond item",
                "int x = 1;",
                "Setext heading",
                "quoted words");
        assertThat(blocks.get(0).heading()).isTrue();
        assertThat(blocks.get(4).heading()).isTrue();
        assertThat(blocks.get(1).heading()).isFalse();
    }

    @Test
    void htmlKeepsVisibleTextByBlock() {
        String html = "<html><head><title>x</title><style>p{}</style></head><body><h1>Title</h1>"
                + "<p>One <b>bold</b> line<br>and another.</p><script>alert(1)</script><ul><li>a</li><li>b</li></ul></body></html>";
        List<Block> blocks = extractor.extract(html, ContentType.TEXT_HTML);
        assertThat(blocks).extracting(Block::text).containsExactly("Title", "One bold line\nand another.", "a", "b");
        assertThat(blocks.get(0).heading()).isTrue();
    }

    @Test
    void emptyContentHasNoBlocks() {
        assertThat(extractor.extract("  \n\n ", ContentType.TEXT_PLAIN)).isEmpty();
        assertThat(extractor.extract("", ContentType.TEXT_HTML)).isEmpty();
    }

    @Test
    void markdownStructureIsParsedNotPatternMatched() {
        String md = """
                Intro line:
                - one
                - two

                Loose item a

                ---

                [ref]: https://example.org "a link definition"

                Use [the docs][ref], <https://example.org/x>, snake_case_name, \\*not emphasis\\* and AT&amp;T.

                <div class="note">
                <p>Raw <b>HTML</b> text</p>
                </div>

                | a | b |
                |---|---|
                | 1 | 2 |
                """;
        List<Block> blocks = extractor.extract(md, ContentType.TEXT_MARKDOWN);
        assertThat(blocks).extracting(Block::text).containsExactly(
                "Intro line:",
                "one\ntwo",
                "Loose item a",
                "Use the docs, https://example.org/x, snake_case_name, *not emphasis* and AT&T.",
                "Raw HTML text",
                "| a | b |\n|---|---|\n| 1 | 2 |");
        assertThat(blocks).noneMatch(Block::heading);
    }

    @Test
    void looseListItemsAreBlocksOfTheirOwnAndNestedTightListsStayTogether() {
        String md = "- first\n\n- second\n  - inner a\n  - inner b\n";
        assertThat(extractor.extract(md, ContentType.TEXT_MARKDOWN)).extracting(Block::text)
                .containsExactly("first", "second", "inner a\ninner b");
    }

    // Hostile inputs: each of these took the old regex extractor from seconds to hours. The timeouts only guard
    // against a hang; the assertions are about the output.

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSixtyKilobyteLineOfOpenEmphasisIsPlainText() {
        String line = "*y ".repeat(20_000);
        List<Block> blocks = extractor.extract(line, ContentType.TEXT_MARKDOWN);
        assertThat(blocks).extracting(Block::text).containsExactly(line.strip());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void multiMebibyteHostileLinesComplete() {
        String emphasis = "*y ".repeat(5 * 1024 * 1024 / 3);
        assertThat(extractor.extract(emphasis, ContentType.TEXT_MARKDOWN)).extracting(Block::text).containsExactly(emphasis.strip());
        String brackets = "[a](".repeat(512 * 1024);
        assertThat(extractor.extract(brackets, ContentType.TEXT_MARKDOWN)).extracting(Block::text).containsExactly(brackets);
    }

    /**
     * commonmark's inline parser needed more than 384 MB of heap for the 5 MiB line of "*y " (it ran the
     * ingest-service's stream thread out of memory); with inline parsing bounded per block, 128 MB is plenty. A child
     * JVM, because the heap of this one is whatever the build gave it.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void multiMebibyteHostileLinesNeedLittleHeap() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), HostileLineInSmallHeap.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("extracted both lines");
    }

    @Test
    void aParagraphOverTheInlineBoundKeepsItsMarkupAsText() {
        assertThat(extractor.extract("**bold** and [a link](https://example.org)", ContentType.TEXT_MARKDOWN))
                .extracting(Block::text).containsExactly("bold and a link");
        String huge = "**bold** word ".repeat(BoundedInlineParser.MAX_INLINE_CHARS / 14 + 1).strip();
        assertThat(huge.length()).isGreaterThan(BoundedInlineParser.MAX_INLINE_CHARS);
        assertThat(extractor.extract(huge, ContentType.TEXT_MARKDOWN)).extracting(Block::text).containsExactly(huge);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deepNestingIsBoundedAndKeepsTheText() {
        String quotes = ">".repeat(200_000) + " deep quote";
        assertThat(extractor.extract(quotes, ContentType.TEXT_MARKDOWN)).singleElement()
                .satisfies(b -> assertThat(b.text()).endsWith("deep quote"));

        StringBuilder staircase = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            staircase.append("  ".repeat(i)).append("- item").append(i).append('\n');
        }
        String text = String.join("\n", extractor.extract(staircase.toString(), ContentType.TEXT_MARKDOWN).stream().map(Block::text).toList());
        assertThat(text).contains("item0").contains("item1999");

        // under the inline bound (BoundedInlineParser), so parsed: past the nesting limit emphasis stays literal
        // text, all of it kept, only some markers dropped
        String emphasis = "*a ".repeat(10_000) + "core" + " b*".repeat(10_000);
        assertThat(extractor.extract(emphasis, ContentType.TEXT_MARKDOWN)).singleElement()
                .satisfies(b -> assertThat(b.text()).contains("a a core b b").hasSizeLessThan(emphasis.length()));

        String divs = "<div>".repeat(200_000) + "deep div" + "</div>".repeat(200_000);
        assertThat(extractor.extract(divs, ContentType.TEXT_HTML)).extracting(Block::text).containsExactly("deep div");
    }
}
