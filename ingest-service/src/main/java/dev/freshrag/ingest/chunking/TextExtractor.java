package dev.freshrag.ingest.chunking;

import dev.freshrag.events.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** Turns plain text, Markdown or HTML into paragraph blocks of plain text. */
public final class TextExtractor {

    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n");
    private static final Pattern MD_HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern MD_SETEXT = Pattern.compile("^\\s{0,3}(=+|-+)\\s*$");
    private static final Pattern MD_IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\([^)]*\\)");
    private static final Pattern MD_LINK = Pattern.compile("\\[([^\\]]+)\\]\\([^)]*\\)");
    private static final Pattern MD_REF_LINK = Pattern.compile("\\[([^\\]]+)\\]\\[[^\\]]*\\]");
    private static final Pattern MD_EMPHASIS = Pattern.compile("(\\*{1,3}|_{1,3}|~~)(?=\\S)(.+?)(?<=\\S)\\1");
    private static final Pattern MD_CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern MD_LIST = Pattern.compile("^\\s*(?:[-*+]|\\d+[.)])\\s+");
    private static final Pattern MD_QUOTE = Pattern.compile("^\\s*>\\s?");
    private static final Pattern HTML_TAG = Pattern.compile("<[^>]{1,200}>");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\r]+");

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

    private List<Block> plain(String content) {
        List<Block> blocks = new ArrayList<>();
        for (String para : BLANK_LINES.split(normalizeNewlines(content))) {
            addBlock(blocks, para, false);
        }
        return blocks;
    }

    private List<Block> markdown(String content) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder para = new StringBuilder();
        boolean inFence = false;
        String[] lines = normalizeNewlines(content).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.trim();
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                // a fence is a block of its own; its content stays verbatim
                flush(blocks, para, false);
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                para.append(line).append('\n');
                continue;
            }
            var heading = MD_HEADING.matcher(line);
            if (heading.matches()) {
                flush(blocks, para, false);
                addBlock(blocks, inline(heading.group(1)), true);
                continue;
            }
            if (!para.isEmpty() && MD_SETEXT.matcher(line).matches() && para.indexOf("\n") == para.length() - 1) {
                String text = para.toString();
                para.setLength(0);
                addBlock(blocks, inline(text), true);
                continue;
            }
            if (trimmed.isEmpty()) {
                flush(blocks, para, false);
                continue;
            }
            String text = MD_QUOTE.matcher(line).replaceFirst("");
            text = MD_LIST.matcher(text).replaceFirst("");
            para.append(inline(text)).append('\n');
        }
        flush(blocks, para, false);
        return blocks;
    }

    private static String inline(String s) {
        String t = MD_IMAGE.matcher(s).replaceAll("$1");
        t = MD_LINK.matcher(t).replaceAll("$1");
        t = MD_REF_LINK.matcher(t).replaceAll("$1");
        t = MD_CODE.matcher(t).replaceAll("$1");
        t = MD_EMPHASIS.matcher(t).replaceAll("$2");
        return HTML_TAG.matcher(t).replaceAll("");
    }

    private List<Block> html(String content) {
        Document doc = Jsoup.parse(content);
        doc.select("script, style, noscript, template, svg, head").remove();
        List<Block> blocks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    current.append(text.getWholeText());
                } else if (node instanceof Element el) {
                    if (el.tagName().equals("br")) {
                        current.append('\n');
                    } else if (isBlock(el)) {
                        flush(blocks, current, false);
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element el && isBlock(el)) {
                    flush(blocks, current, el.tagName().matches("h[1-6]"));
                }
            }
        }, doc.body() == null ? doc : doc.body());
        flush(blocks, current, false);
        return blocks;
    }

    private static boolean isBlock(Element el) {
        return el.isBlock() || el.tagName().matches("h[1-6]|li|tr|td|th|pre|blockquote|dt|dd|figcaption");
    }

    private static void flush(List<Block> blocks, StringBuilder sb, boolean heading) {
        if (!sb.isEmpty()) {
            addBlock(blocks, sb.toString(), heading);
            sb.setLength(0);
        }
    }

    private static void addBlock(List<Block> blocks, String text, boolean heading) {
        String cleaned = SPACES.matcher(text).replaceAll(" ").strip();
        cleaned = cleaned.replaceAll(" *\\n *", "\n").replaceAll("\\n{2,}", "\n");
        if (!cleaned.isEmpty()) {
            blocks.add(new Block(cleaned, heading));
        }
    }

    private static String normalizeNewlines(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }
}
