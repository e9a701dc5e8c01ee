package dev.freshrag.query.tenants;

/**
 * A tenant's LoRA adapter.
 *
 * @param name   the adapter's name, 1-64 of {@code A-Z a-z 0-9 . _ -} (runtime mode serves it as
 *               {@code name-<hash of source>}; resolver mode routes by this name as it is)
 * @param source where the LLM server finds it: a path on the server, or a URI/repository id it understands
 */
public record AdapterRef(String name, String source) {
}
