package dev.freshrag.events;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-your-writes token: where a write landed on kb.doc-changes. The index is consistent with it
 * once the embed-service has applied partition {@code partition} up to and including {@code offset}.
 * Opaque to clients; the form is {@code v1.<tenant>.<partition>.<offset>}, a write in the live lane ({@link BulkWriteToken}
 * is the bulk lane's). The tenant is part of it so
 * that one tenant's token reveals nothing about, and cannot be used to wait on, another's writes.
 */
public record WriteToken(String tenant, int partition, long offset) implements ReadToken {

    private static final Pattern FORM = Pattern.compile("v1\\.(" + Limits.TENANT_PATTERN + ")\\.(\\d{1,9})\\.(\\d{1,18})");

    /** This form names a write in the live lane (the only lane before lanes existed, so old tokens stay valid). */
    @Override
    public Priority lane() {
        return Priority.LIVE;
    }

    @Override
    public String toString() {
        return "v1." + tenant + "." + partition + "." + offset;
    }

    public static Optional<WriteToken> parse(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new WriteToken(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
    }
}
