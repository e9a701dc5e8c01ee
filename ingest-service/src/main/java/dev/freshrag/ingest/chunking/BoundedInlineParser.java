package dev.freshrag.ingest.chunking;

import org.commonmark.internal.InlineParserImpl;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.InlineParser;
import org.commonmark.parser.InlineParserContext;
import org.commonmark.parser.SourceLine;
import org.commonmark.parser.SourceLines;

/**
 * commonmark's inline parser (emphasis, links, code spans) with a bound on what it is given: a paragraph or heading
 * whose source is longer than {@value #MAX_INLINE_CHARS} characters is kept as its source text, unparsed.
 *
 * <p>Why: the inline parser is linear in time but not frugal in memory. For a delimiter-dense line it holds a node and
 * a delimiter for every run, around 90 bytes of heap per input byte at its peak: a 5 MiB line of {@code "*y "} needed
 * more than 384 MB, so one such event ran the ingest-service (512 MB heap) out of memory on the stream thread, which
 * shut the Streams client down, and again after every restart (found by the end-to-end HostileDocumentsIT). Bounded,
 * a block needs a few megabytes at most. The price is that the markup of a paragraph over 64 Ki characters (no
 * real one is) stays in its text.
 */
final class BoundedInlineParser implements InlineParser {

    /** Longest block source (characters) that is inline-parsed; the 60 KB hostile line of the issue still is. */
    static final int MAX_INLINE_CHARS = 64 * 1024;

    /** The parser commonmark uses by default; its package is internal, the only way to keep its behaviour below the bound. */
    private final InlineParser full;

    BoundedInlineParser(InlineParserContext context) {
        this.full = new InlineParserImpl(context);
    }

    @Override
    public void parse(SourceLines lines, Node block) {
        long length = 0;
        for (SourceLine line : lines.getLines()) {
            length += line.getContent().length() + 1;
        }
        if (length > MAX_INLINE_CHARS) {
            block.appendChild(new Text(lines.getContent()));
            return;
        }
        full.parse(lines, block);
    }
}
