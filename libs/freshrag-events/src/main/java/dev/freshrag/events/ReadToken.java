package dev.freshrag.events;

import java.util.Optional;

/**
 * A read-your-writes token in either of its forms: {@link WriteToken} ({@code v1.<tenant>.<p>.<o>}, a write in the
 * live lane) or {@link BulkWriteToken} ({@code b1.<tenant>.<p>.<o>[.<p>.<o>...]}, writes in the bulk lane). Each lane
 * is applied in kb.doc-changes offset order per partition, so a token is checked against its own lane's positions.
 */
public sealed interface ReadToken permits WriteToken, BulkWriteToken {

    String tenant();

    Priority lane();

    /** Either form, or empty when the text is neither. */
    static Optional<ReadToken> parse(String token) {
        Optional<ReadToken> live = WriteToken.parse(token).map(t -> t);
        return live.isPresent() ? live : BulkWriteToken.parse(token).map(t -> t);
    }
}
