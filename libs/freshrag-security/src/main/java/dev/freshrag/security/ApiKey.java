package dev.freshrag.security;

/** A key as the keys file records it: never the key itself, only its SHA-256. */
public record ApiKey(String sha256, String tenant, Role role, String created) {
}
