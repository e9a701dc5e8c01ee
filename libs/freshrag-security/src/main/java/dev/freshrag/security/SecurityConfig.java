package dev.freshrag.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code freshrag.security.*}: API keys for every {@code /v1} endpoint. */
@ConfigMapping(prefix = "freshrag.security")
public interface SecurityConfig {

    /**
     * Require a key on every /v1 request. On by default: a service refuses to start without a keys
     * file. Turn off only for a service that is not reachable by anyone but you.
     */
    @WithDefault("true")
    boolean enabled();

    /** The keys file (hashes only); {@code ./freshrag up} creates {@code .freshrag/keys}. */
    Optional<String> keysFile();

    /** How often the file is checked for changes (new keys are also picked up on first use). */
    @WithDefault("PT2S")
    Duration reloadInterval();
}
