package dev.freshrag.ingest.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer of an accepted write (202).
 *
 * @param version the version sent, or null when the event carried none (the ingest-service then
 *                assigns "newer than anything stored")
 * @param token   read-your-writes token: pass it in {@code consistentWith} of search or answer
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WriteAccepted(String tenant, String docId, Long version, String token) {
}
