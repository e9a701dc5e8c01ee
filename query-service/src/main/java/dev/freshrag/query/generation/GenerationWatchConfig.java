package dev.freshrag.query.generation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the query-service follows a generation switch ({@code freshrag.generation-watch.*}, README "Changing the model
 * or the chunking").
 */
@ConfigMapping(prefix = "freshrag.generation-watch")
public interface GenerationWatchConfig {

    /** Whether the service follows a switch while it runs; false: it serves the generation it started with. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the Lucene pointer file is checked (one {@code stat}; read only when it changed). The default is the
     * reader's own refresh cadence ({@code freshrag.index.lucene.refresh-interval}'s default).
     */
    @WithDefault("PT0.1S")
    Duration luceneInterval();

    /** How often the Qdrant alias is asked which collection it names (one list-aliases call, one collection read). */
    @WithDefault("PT5S")
    Duration qdrantInterval();

    /**
     * After a switch failed (the model could not be loaded, the reader not opened), the same generation is tried
     * again no sooner than this; another generation named active is tried at once.
     */
    @WithDefault("PT30S")
    Duration retryAfterFailure();
}
