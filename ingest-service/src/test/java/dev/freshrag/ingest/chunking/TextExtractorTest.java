package dev.freshrag.ingest.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
