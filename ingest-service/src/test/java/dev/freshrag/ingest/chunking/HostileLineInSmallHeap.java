package dev.freshrag.ingest.chunking;

import dev.freshrag.events.ContentType;
import java.util.List;

/**
 * Run by {@link TextExtractorTest} in a child JVM with a small heap: extracts the multi-MiB hostile Markdown lines and
 * exits 0 when their text came out whole (an OutOfMemoryError exits non-zero).
 */
public final class HostileLineInSmallHeap {

    private HostileLineInSmallHeap() {
    }

    public static void main(String[] args) {
        TextExtractor extractor = new TextExtractor();
        for (String line : List.of("*y ".repeat(5 * 1024 * 1024 / 3), "[a](".repeat(512 * 1024))) {
            List<Block> blocks = extractor.extract(line, ContentType.TEXT_MARKDOWN);
            if (blocks.size() != 1 || !blocks.get(0).text().equals(line.strip())) {
                System.out.println("wrong text for a line of " + line.length() + " characters");
                System.exit(2);
            }
        }
        System.out.println("extracted both lines");
    }
}
