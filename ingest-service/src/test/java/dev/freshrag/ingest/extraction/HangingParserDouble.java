package dev.freshrag.ingest.extraction;

import java.io.InputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.xml.sax.ContentHandler;

/**
 * Stands for a document whose parse never ends (a pathological PDF), which no fixture can be relied on to be: every
 * real parse here finishes in milliseconds on one machine and may not on another. Knows Tika's parsers (so the
 * declared type is accepted) and blocks in {@code parse} until the extraction gives up and interrupts it.
 */
final class HangingParserDouble extends AutoDetectParser {

    @Override
    public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
