package dev.freshrag.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DJL's tokenizer from touching the network and gives its native library a writable home.
 *
 * <p>DJL reads its switches from an environment variable or, failing that, a system property of the same name,
 * so setting the properties before the first tokenizer is created is enough. We only fill in what the operator
 * has not set: an explicit environment variable or {@code -D} always wins.
 * <ul>
 *   <li>{@code OPT_OUT_TRACKING=true}: DJL otherwise sends a telemetry request when a tokenizer is created.</li>
 *   <li>{@code ai.djl.offline=true}: makes DJL use the native library bundled in the jar and never download
 *       one; a platform without a bundled library then fails loudly instead of fetching code at run time.</li>
 *   <li>{@code DJL_CACHE_DIR}: the bundled native library is extracted there (default {@code ~/.djl.ai}). If that
 *       directory cannot be written (read-only home in a container), a per-user directory under the temp dir
 *       is used instead of failing on the first tokenizer.</li>
 * </ul>
 */
final class DjlOfflineSetup {

    private static final Logger LOG = LoggerFactory.getLogger(DjlOfflineSetup.class);

    private static boolean applied;

    private DjlOfflineSetup() {
    }

    static synchronized void apply() {
        if (applied) {
            return;
        }
        setUnlessConfigured("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
        setUnlessConfigured("DJL_OFFLINE", "ai.djl.offline", "true");
        if (!isConfigured("DJL_CACHE_DIR", "DJL_CACHE_DIR")) {
            Path usual = Path.of(System.getProperty("user.home", ""), ".djl.ai");
            if (!canWriteTo(usual)) {
                Path fallback = Path.of(System.getProperty("java.io.tmpdir"),
                        "djl-cache-" + System.getProperty("user.name", "unknown"));
                LOG.warn("DJL cache {} is not writable; extracting the tokenizer native library to {}", usual, fallback);
                System.setProperty("DJL_CACHE_DIR", fallback.toString());
            }
        }
        applied = true;
    }

    private static void setUnlessConfigured(String envName, String propertyName, String value) {
        if (!isConfigured(envName, propertyName)) {
            System.setProperty(propertyName, value);
        }
    }

    private static boolean isConfigured(String envName, String propertyName) {
        String env = System.getenv(envName);
        String property = System.getProperty(propertyName);
        return (env != null && !env.isEmpty()) || (property != null && !property.isEmpty());
    }

    private static boolean canWriteTo(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
