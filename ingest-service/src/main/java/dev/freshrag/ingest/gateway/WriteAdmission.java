package dev.freshrag.ingest.gateway;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Limits;
import dev.freshrag.events.Violation;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.ingest.chunking.Chunk;
import dev.freshrag.ingest.chunking.Chunker;
import dev.freshrag.ingest.chunking.DocumentChunker;
import dev.freshrag.ingest.chunking.TextExtractor;
import dev.freshrag.ingest.config.IngestConfig;
import dev.freshrag.ingest.pipeline.ChunkOpsRecord;
import dev.freshrag.tokenizer.TokenCounter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What the gateway checks before it publishes a write (PUT, DELETE or a line of {@code documents:bulk}): the same
 * validation as the topology and the limits only the content's processing reveals, so an accepted write is never
 * dead-lettered later.
 */
@ApplicationScoped
public class WriteAdmission {

    private final DocumentChangeValidator validator;
    private final DocumentChunker documents;

    public WriteAdmission(IngestConfig config, TokenCounter tokens) {
        this.validator = new DocumentChangeValidator(config.limits().toLimits());
        this.documents = new DocumentChunker(new TextExtractor(),
                new Chunker(tokens, config.chunkMaxTokens(), config.chunking().minTokens()), Limits.MAX_CHUNKS_PER_DOCUMENT);
    }

    /** @throws InvalidEventException (400) naming every violation of the event contract */
    public void validate(DocumentChange event) {
        List<Violation> violations = validator.validate(event);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
    }

    /**
     * The limits only the content's processing reveals, checked as the topology will meet them (the same
     * extraction, chunking and limits), so that an accepted write is never dead-lettered: the event's own record
     * size, the chunk count, and the largest kb.chunk-ops record the document can make. Over a limit is 413,
     * content the parsers cannot read is 422. Chunking takes a while: call it on a worker thread.
     */
    public void requireWithinLimits(DocumentChange event) {
        long eventBytes = EventJson.write(event).length;
        if (eventBytes > Limits.MAX_RECORD_BYTES) {
            throw tooLarge(new Violation("content", "makes a kb.doc-changes record of " + eventBytes
                    + " bytes (JSON-escaped), above the limit of " + Limits.MAX_RECORD_BYTES + " bytes"));
        }
        List<Chunk> chunks;
        try {
            chunks = documents.chunk(event.content(), event.parsedContentType());
        } catch (DocumentChunker.TooManyChunksException e) {
            throw tooLarge(e.violations().get(0));
        } catch (InvalidEventException e) {
            throw new ProblemException(new Problem("https://freshrag.dev/problems/unprocessable-document",
                    "Unprocessable document", 422, e.getMessage(), e.violations()));
        }
        ChunkOpsRecord.checkSize(ChunkOpsRecord.upperBound(event, chunks)).ifPresent(v -> {
            throw tooLarge(v);
        });
    }

    private static ProblemException tooLarge(Violation v) {
        return new ProblemException(new Problem("https://freshrag.dev/problems/document-too-large",
                "Document too large", 413, v.toString(), List.of(v)));
    }
}
