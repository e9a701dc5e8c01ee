package dev.freshrag.ingest.extraction;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bounds of the text extraction of office documents and PDFs, under {@code freshrag.extraction.*}. */
@ConfigMapping(prefix = "freshrag.extraction")
public interface ExtractionConfig {

    /**
     * Largest raw document accepted, in bytes; more is a 413. The HTTP body limit
     * ({@code quarkus.http.limits.max-body-size}, 16 MiB) applies first.
     */
    @WithDefault("16777216")
    int maxBytes();

    /**
     * Most characters of text one document may yield; more is a 413 (the event's content is bounded at 5 MiB of
     * UTF-8 anyway, {@code freshrag.limits.max-content-bytes}). It also stops a decompression bomb early.
     */
    @WithDefault("5242880")
    int maxChars();

    /**
     * Longest one extraction may take; then the request is answered 422 and the parse is interrupted. Parsers do not
     * always heed an interrupt: such a parse runs on in the background, which is why the threads are bounded too.
     */
    @WithDefault("PT30S")
    Duration timeout();

    /** Extractions running at once; more wait for a free thread (within their timeout). */
    @WithDefault("2")
    int threads();
}
