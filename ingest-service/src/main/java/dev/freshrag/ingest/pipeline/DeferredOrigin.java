package dev.freshrag.ingest.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a deferred record stood on kb.doc-changes: the header the {@link LaneRouter} adds to its copy on
 * kb.doc-changes.bulk, so the {@link DocumentChangeProcessor} treats the copy exactly as the original (its operations,
 * dead letters and read-your-writes positions name the ORIGINAL partition and offset, and keep its timestamp).
 *
 * @param partition its kb.doc-changes partition
 * @param offset    its kb.doc-changes offset
 * @param timestamp its record timestamp
 */
record DeferredOrigin(int partition, long offset, long timestamp) {

    /** Header name; the value is {@code <partition>:<offset>:<timestamp>} in ASCII. */
    static final String HEADER = "freshrag-deferred-from";

    byte[] headerValue() {
        return (partition + ":" + offset + ":" + timestamp).getBytes(StandardCharsets.US_ASCII);
    }

    /** The origin a record's header names; empty without the header (or with one that is not ours). */
    static Optional<DeferredOrigin> of(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        if (h == null || h.value() == null) {
            return Optional.empty();
        }
        String[] parts = new String(h.value(), StandardCharsets.US_ASCII).split(":");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeferredOrigin(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
