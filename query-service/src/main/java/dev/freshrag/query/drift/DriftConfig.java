package dev.freshrag.query.drift;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The periodic verify of the last minutes ({@code freshrag.drift.*}, README "Does the index match?"): every
 * {@code interval} the changes accepted within {@code window} (the rebuild log kb.doc-log) are compared with what the
 * index holds, and {@code freshrag_index_drift{tenant}} counts the documents that differ.
 */
@ConfigMapping(prefix = "freshrag.drift")
public interface DriftConfig {

    /** How often the check runs; {@code 0} switches it off (no gauge is exported then). */
    @WithDefault("PT5M")
    Duration interval();

    /**
     * How far back each check looks: the changes accepted in this window (by the time of their write) are checked.
     * Older documents are the business of {@code ./freshrag verify}.
     */
    @WithDefault("PT15M")
    Duration window();

    /**
     * Changes younger than this are not checked yet: a kb.doc-log record does not carry its kb.doc-changes position,
     * so whether the index applied it cannot be read from the index's applied positions; a change still unapplied
     * after this long counts as drift. A bulk backlog older than this shows as drift until it drains (the alert
     * waits 15 minutes).
     */
    @WithDefault("PT2M")
    Duration grace();

    /** Most documents one check looks up in the index (the newest changes win); a bound on one check's cost. */
    @WithDefault("50000")
    int maxDocuments();
}
