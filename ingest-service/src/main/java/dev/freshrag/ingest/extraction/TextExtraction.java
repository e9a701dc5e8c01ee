package dev.freshrag.ingest.extraction;

import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.events.Violation;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;

/**
 * Turns a raw document body into the text an event carries: text formats are decoded (UTF-8), office documents and
 * PDFs are parsed by Apache Tika, bounded in size ({@link ExtractionConfig#maxBytes()}, {@link ExtractionConfig#maxChars()})
 * and time ({@link ExtractionConfig#timeout()}). Embedded documents (attachments, images) are not parsed. A body the
 * parser cannot read is a 422 naming why; a document over a bound is a 413. Blocking: call it on a worker thread.
 */
@ApplicationScoped
public class TextExtraction {

    static final String UNPROCESSABLE = "https://freshrag.dev/problems/unprocessable-document";
    static final String TOO_LARGE = "https://freshrag.dev/problems/document-too-large";

    private final ExtractionConfig config;
    private final AutoDetectParser parser;
    private final ExecutorService pool;

    @Inject
    public TextExtraction(ExtractionConfig config) {
        this(config, new AutoDetectParser());
    }

    /** With {@code parser} for Tika's default one: a test stands in a parse that never ends (a pathological document). */
    TextExtraction(ExtractionConfig config, AutoDetectParser parser) {
        this.config = config;
        this.parser = parser;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "freshrag-extraction-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    public ExtractedText extract(byte[] body, DocumentFormat format) {
        if (body.length > config.maxBytes()) {
            throw problem(TOO_LARGE, "Document too large", 413, "body", "is " + body.length + " bytes, above the limit of "
                    + config.maxBytes() + " bytes (freshrag.extraction.max-bytes)");
        }
        if (!format.needsExtraction()) {
            return new ExtractedText(utf8(body), format.contentType(), null);
        }
        if (body.length == 0) {
            throw unreadable(format, "the body is empty");
        }
        Future<ExtractedText> running = pool.submit(() -> parse(body, format));
        try {
            return running.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw unreadable(format, "text extraction took longer than " + config.timeout() + " (freshrag.extraction.timeout)");
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProblemException(Problem.of(503, "Service Unavailable", "interrupted while extracting text"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProblemException p) {
                throw p;
            }
            throw unreadable(format, describe(e.getCause()));
        }
    }

    private ExtractedText parse(byte[] body, DocumentFormat format) throws Exception {
        Metadata metadata = new Metadata();
        // the declared type decides the parser: a body that is not what it claims fails in that parser, with its reason
        metadata.set(TikaCoreProperties.CONTENT_TYPE_USER_OVERRIDE, format.mediaType());
        BodyContentHandler text = new BodyContentHandler(config.maxChars());
        ParseContext context = new ParseContext();
        if (!parser.getParsers().containsKey(MediaType.parse(format.mediaType()))) {
            throw problem("https://freshrag.dev/problems/unsupported-media-type", "Unsupported Media Type", 415, "Content-Type",
                    "no parser for " + format.mediaType() + " is installed");
        }
        try {
            parser.parse(new ByteArrayInputStream(body), text, metadata, context);
        } catch (Exception e) {
            if (WriteLimitReachedException.isWriteLimitReached(e)) {
                throw problem(TOO_LARGE, "Document too large", 413, "body", "yields more than " + config.maxChars()
                        + " characters of text (freshrag.extraction.max-chars)");
            }
            throw e;
        }
        String content = text.toString().strip();
        if (content.isEmpty()) {
            throw unreadable(format, "no text found in it (a scanned document without a text layer?)");
        }
        String title = metadata.get(TikaCoreProperties.TITLE);
        return new ExtractedText(content, format.contentType(), title == null || title.isBlank() ? null : title.strip());
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw problem(UNPROCESSABLE, "Unprocessable document", 422, "body", "is not valid UTF-8 text: " + e.getMessage());
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof EncryptedDocumentException) {
            return "it is encrypted (password-protected)";
        }
        StringBuilder b = new StringBuilder(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            b.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t && cause.getMessage() != null) {
            b.append(" (").append(cause.getMessage().lines().findFirst().orElse("")).append(")");
        }
        return b.length() > 300 ? b.substring(0, 300) + "..." : b.toString();
    }

    private static ProblemException unreadable(DocumentFormat format, String why) {
        return problem(UNPROCESSABLE, "Unprocessable document", 422, "body", "could not be read as " + format.mediaType() + ": " + why);
    }

    static ProblemException problem(String type, String title, int status, String field, String message) {
        Violation v = new Violation(field, message);
        return new ProblemException(new Problem(type, title, status, v.toString(), List.of(v)));
    }
}
