package dev.freshrag.ingest.chunking;

import dev.freshrag.events.ContentType;
import dev.freshrag.events.InvalidEventException;
import java.util.List;

/**
 * A document's content to chunks, within the per-document chunk limit. The gateway and the topology both go
 * through here, so a document the gateway accepts is chunked the same way, and within the same limit, later.
 *
 * <p>What the content causes is an {@link InvalidEventException} (to answer 4xx, or to dead-letter): too many
 * chunks, or a parser failing on it. A failure of the tokenizer, our own dependency, is not the document's
 * fault and propagates.
 */
public final class DocumentChunker {

    private final TextExtractor extractor;
    private final Chunker chunker;
    private final int maxChunks;

    public DocumentChunker(TextExtractor extractor, Chunker chunker, int maxChunks) {
        this.extractor = extractor;
        this.chunker = chunker;
        this.maxChunks = maxChunks;
    }

    public List<Chunk> chunk(String content, ContentType type) {
        if (type == ContentType.TEXT_MARKDOWN && content != null) {
            // a heading-dense document is rejected before its parse, which alone would hold the partition for seconds
            long certain = CertainHeadings.count(content);
            if (certain > maxChunks) {
                throw tooMany("at least " + certain);
            }
        }
        List<Block> blocks = extract(content, type);
        // every heading opens a chunk: count them before paying for tokenization of a million headings
        long headings = blocks.stream().filter(Block::heading).count();
        if (headings > maxChunks) {
            throw tooMany("at least " + headings);
        }
        List<Chunk> chunks = chunker.chunk(blocks);
        if (chunks.size() > maxChunks) {
            throw tooMany(Integer.toString(chunks.size()));
        }
        return chunks;
    }

    private List<Block> extract(String content, ContentType type) {
        try {
            return extractor.extract(content, type);
        } catch (RuntimeException | StackOverflowError e) {
            // the parsers are pure functions of the content: what fails once fails on every retry, so it is the
            // document's fault (a StackOverflowError included: nesting is bounded, so only the input can cause it)
            throw new InvalidEventException("content", "could not be read as " + type.mediaType() + ": " + e);
        }
    }

    private TooManyChunksException tooMany(String count) {
        return new TooManyChunksException("makes " + count + " chunks, above the limit of " + maxChunks
                + " chunks per document");
    }

    /** Over the chunk limit: a size limit (the gateway answers 413), not unreadable content (422). */
    public static final class TooManyChunksException extends InvalidEventException {
        TooManyChunksException(String message) {
            super("content", message);
        }
    }
}
