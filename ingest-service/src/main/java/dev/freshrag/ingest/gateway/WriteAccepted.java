package dev.freshrag.ingest.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer of an accepted write (202).
 *
 * @param version the version sent, or null when the event carried none (the ingest-service then
 *                applies it at the document's current version, without raising it)
 * @param token   read-your-writes token: pass it in {@code consistentWith} of search or answer. It says
 *                the write was processed, not that it won: a write the version guard dropped reads as
 *                applied too (and is counted in {@code freshrag_events_stale_total})
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WriteAccepted(String tenant, String docId, Long version, String token) {
}
