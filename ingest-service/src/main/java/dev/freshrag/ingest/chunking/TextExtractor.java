package dev.freshrag.ingest.chunking;

import dev.freshrag.events.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.Document;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Turns plain text, Markdown or HTML into paragraph blocks of plain text.
 *
 * <p>Markdown is parsed by commonmark-java and HTML by jsoup, both linear in the input: a document is
 * attacker-controlled, and one that takes hours to parse stops every tenant of its partition. Nesting is
 * bounded ({@link #MAX_NESTING}) so that the parser's tree, and the walks over it here, stay shallow
 * whatever the input: deeper blocks or inlines are kept as text, not as structure. Inline parsing is bounded too
 * ({@link BoundedInlineParser}): a paragraph over 64 Ki characters keeps its source text, so that its parse needs
 * little memory whatever it holds.
 */
public final class TextExtractor {

    /** Deepest block (quotes, lists) and inline (emphasis, links) nesting that is parsed as structure. */
    static final int MAX_NESTING = 32;

    /** Thread-safe and stateless between documents: one for every stream thread and request. */
    private static final Parser MARKDOWN = Parser.builder()
            .maxOpenBlockParsers(MAX_NESTING)
            .maxInlineNesting(MAX_NESTING)
            .inlineParserFactory(BoundedInlineParser::new)
            .build();

    /** Elements that end a block of text besides the ones jsoup itself calls blocks. */
    private static final Set<String> HTML_BLOCKS = Set.of("h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th",
            "pre", "blockquote", "dt", "dd", "figcaption");
    private static final Set<String> HTML_HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");

    // the whitespace clean-up below is linear: none of these can backtrack over more than one run
    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\r]+");
    private static final Pattern SPACE_AROUND_NEWLINE = Pattern.compile(" ?\\n ?");
    private static final Pattern NEWLINES = Pattern.compile("\\n{2,}");

    public List<Block> extract(String content, ContentType type) {
        if (content == null || content.isBlank()) {
            return List.of();
        }
        return switch (type) {
            case TEXT_PLAIN -> plain(content);
            case TEXT_MARKDOWN -> markdown(content);
            case TEXT_HTML -> html(content);
        };
    }

    private static List<Block> plain(String content) {
        List<Block> blocks = new ArrayList<>();
        for (String para : BLANK_LINES.split(normalizeNewlines(content))) {
            addBlock(blocks, para, false);
        }
        return blocks;
    }

    private static List<Block> markdown(String content) {
        Node document = MARKDOWN.parse(content);
        MarkdownBlocks out = new MarkdownBlocks();
        out.block(document);
        out.flushList();
        return out.blocks;
    }

    /**
     * The walk over commonmark's block tree. Headings, paragraphs and code blocks become blocks; a tight
     * list (items without blank lines between them) becomes one block, an item per line, as a list reads
     * as one unit; a loose list's paragraphs are blocks of their own. Recursion is bounded by
     * {@link #MAX_NESTING}.
     */
    private static final class MarkdownBlocks {
        final List<Block> blocks = new ArrayList<>();
        /** Lines of the tight list being read. */
        private final StringBuilder list = new StringBuilder();
        private int tightLists;

        void block(Node node) {
            if (node instanceof Heading) {
                flushList();
                addBlock(blocks, inlineText(node), true);
            } else if (node instanceof Paragraph) {
                text(inlineText(node));
            } else if (node instanceof FencedCodeBlock code) {
                text(code.getLiteral());
            } else if (node instanceof IndentedCodeBlock code) {
                text(code.getLiteral());
            } else if (node instanceof HtmlBlock html) {
                // raw HTML inside Markdown: its visible text counts, its tags do not
                for (Block b : TextExtractor.html(html.getLiteral())) {
                    text(b.text());
                }
            } else if (node instanceof ListBlock l && l.isTight()) {
                if (tightLists == 0) {
                    flushList();
                }
                tightLists++;
                children(node);
                tightLists--;
                if (tightLists == 0) {
                    flushList();
                }
            } else if (node instanceof Document || node instanceof BlockQuote || node instanceof ListBlock
                    || node instanceof ListItem || node instanceof CustomBlock) {
                children(node);
            }
            // thematic breaks and link reference definitions carry no text
        }

        private void children(Node node) {
            for (Node c = node.getFirstChild(); c != null; c = c.getNext()) {
                block(c);
            }
        }

        private void text(String text) {
            if (tightLists > 0) {
                list.append(text).append('\n');
            } else {
                addBlock(blocks, text, false);
            }
        }

        void flushList() {
            if (!list.isEmpty()) {
                addBlock(blocks, list.toString(), false);
                list.setLength(0);
            }
        }
    }

    /** The text of a heading or paragraph: emphasis, links and inline HTML tags dropped, image alt text kept. */
    private static String inlineText(Node block) {
        StringBuilder sb = new StringBuilder();
        appendInline(block, sb);
        return sb.toString();
    }

    private static void appendInline(Node parent, StringBuilder sb) {
        for (Node c = parent.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Text t) {
                sb.append(t.getLiteral());
            } else if (c instanceof Code code) {
                sb.append(code.getLiteral());
            } else if (c instanceof SoftLineBreak || c instanceof HardLineBreak) {
                sb.append('\n');
            } else if (!(c instanceof HtmlInline)) {
                // emphasis, strong, link, image (its children are the alt text): depth <= MAX_NESTING
                appendInline(c, sb);
            }
        }
    }

    private static List<Block> html(String content) {
        org.jsoup.nodes.Document doc = Jsoup.parse(content);
        doc.select("script, style, noscript, template, svg, head").remove();
        List<Block> blocks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        // NodeTraversor walks without recursion: deeply nested HTML costs no stack
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(org.jsoup.nodes.Node node, int depth) {
                if (node instanceof TextNode text) {
                    current.append(text.getWholeText());
                } else if (node instanceof Element el) {
                    if (el.normalName().equals("br")) {
                        current.append('\n');
                    } else if (isBlock(el)) {
                        flush(blocks, current, false);
                    }
                }
            }

            @Override
            public void tail(org.jsoup.nodes.Node node, int depth) {
                if (node instanceof Element el && isBlock(el)) {
                    flush(blocks, current, HTML_HEADINGS.contains(el.normalName()));
                }
            }
        }, doc.body() == null ? doc : doc.body());
        flush(blocks, current, false);
        return blocks;
    }

    private static boolean isBlock(Element el) {
        return el.isBlock() || HTML_BLOCKS.contains(el.normalName());
    }

    private static void flush(List<Block> blocks, StringBuilder sb, boolean heading) {
        if (!sb.isEmpty()) {
            addBlock(blocks, sb.toString(), heading);
            sb.setLength(0);
        }
    }

    private static void addBlock(List<Block> blocks, String text, boolean heading) {
        String cleaned = SPACES.matcher(text).replaceAll(" ").strip();
        cleaned = NEWLINES.matcher(SPACE_AROUND_NEWLINE.matcher(cleaned).replaceAll("\n")).replaceAll("\n");
        if (!cleaned.isEmpty()) {
            blocks.add(new Block(cleaned, heading));
        }
    }

    private static String normalizeNewlines(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }
}
