package dev.freshrag.ingest.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.ContentType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CertainHeadingsTest {

    private final TextExtractor extractor = new TextExtractor();

    private long parsedHeadings(String markdown) {
        return extractor.extract(markdown, ContentType.TEXT_MARKDOWN).stream().filter(Block::heading).count();
    }

    @Test
    void countsEveryHeadingOfAPlainHeadingDenseDocument() {
        String doc = "# x\n".repeat(5 * 1024 * 1024 / 4);
        assertThat(CertainHeadings.count(doc)).isEqualTo(1_310_720);
    }

    @Test
    void countsNothingItCannotBeSureOf() {
        assertThat(CertainHeadings.count("```\n# inside a fence\n```\n# after\n")).isZero();
        assertThat(CertainHeadings.count("<div>\n# raw html\n</div>\n")).isZero();
        assertThat(CertainHeadings.count("    # indented code\n")).isZero();
        assertThat(CertainHeadings.count("# [](link)\n# ![](image)\n# *\n#\n#no-space\n####### seven\n")).isZero();
        assertThat(CertainHeadings.count("para\n# interrupts it\n> quote\n# closes it\n- item\n  # in the item\n"))
                .isEqualTo(3);
    }

    /** The bound must never exceed what the parser finds, or a legal document would be rejected. */
    @Test
    void neverCountsMoreThanTheParserFinds() {
        String[] lines = {"# Title one", "## second, part 2", "   ### three spaces", "    # four spaces", "#", "# ", "# #",
            "text line", "", "```", "~~~", "<div>", "</div>", "<!--", "-->", "> # quoted", "> lazy", "- item", "  # in item",
            "1. first", "   # numbered", "* star", "***", "---", "===", "[ref]: /url 'title", "# 'quoted'", "\\# escaped",
            "# a \\", "# &amp;", "# x ##", "\t# tab", "# x\r", "<script>", "</script>", "    code", "# deutsch über", "# 東京"};
        Random r = new Random(42);
        for (int doc = 0; doc < 3000; doc++) {
            StringBuilder sb = new StringBuilder();
            for (int n = r.nextInt(30); n > 0; n--) {
                sb.append(lines[r.nextInt(lines.length)]).append('\n');
            }
            String markdown = sb.toString();
            assertThat(CertainHeadings.count(markdown)).as("document %d:%n%s", doc, markdown)
                    .isLessThanOrEqualTo(parsedHeadings(markdown));
        }
    }

    @Test
    void theChunkerRejectsAHeadingDenseDocumentWithTheCountItFound() {
        DocumentChunker documents = new DocumentChunker(extractor, new Chunker(text -> 3, 256, 64), 20_000);
        assertThatThrownBy(() -> documents.chunk("# x\n".repeat(5 * 1024 * 1024 / 4), ContentType.TEXT_MARKDOWN))
                .isInstanceOf(DocumentChunker.TooManyChunksException.class)
                .hasMessageContaining("makes at least 1310720 chunks, above the limit of 20000 chunks per document");
    }
}
