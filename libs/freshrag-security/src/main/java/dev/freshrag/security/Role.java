package dev.freshrag.security;

import java.util.Locale;
import java.util.Optional;

/**
 * What a key may do. Each tenant role includes the ones before it: an admin may write, a writer may read.
 * {@link #OPERATOR} stands apart: bound to no tenant, it allows only the operator endpoints and nothing else,
 * and no tenant role allows them.
 */
public enum Role {
    /** search, answer, document status */
    READER,
    /** also PUT and DELETE documents */
    WRITER,
    /** also the tenant's configuration under /v1/admin */
    ADMIN,
    /** {@code /v1/operator/**} only (dead-letter re-drive); never a tenant path */
    OPERATOR;

    public boolean allows(Role required) {
        if (this == OPERATOR || required == OPERATOR) {
            return this == required;
        }
        return compareTo(required) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String s) {
        for (Role r : values()) {
            if (r.label().equals(s)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
