package dev.freshrag.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The keys, by SHA-256 of the key. Reloaded when the file changes, so {@code ./freshrag keys add}
 * works while the stack runs and a removed line revokes a key within the reload interval.
 */
@ApplicationScoped
@Startup
public class ApiKeyStore {

    private static final Logger LOG = Logger.getLogger(ApiKeyStore.class);

    private final SecurityConfig config;
    private final Path file;
    private volatile Map<String, ApiKey> keys = Map.of();
    private volatile FileTime loadedModified;
    private volatile long checkedAt;

    public ApiKeyStore(SecurityConfig config) {
        this.config = config;
        if (!config.enabled()) {
            LOG.warn("freshrag.security.enabled=false: every /v1 request is served without a key");
            this.file = null;
            return;
        }
        this.file = Path.of(config.keysFile().orElseThrow(() -> new IllegalStateException(
                "no keys file: set freshrag.security.keys-file (FRESHRAG_SECURITY_KEYS_FILE) to a file made with "
                        + "'./freshrag keys add <tenant> <role>', or freshrag.security.enabled=false to run without keys")));
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("the keys file " + file + " does not exist or cannot be read; create keys with "
                    + "'./freshrag keys add <tenant> <role>'");
        }
        reload();
        LOG.infof("%d API keys loaded from %s", keys.size(), file);
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The key's record, if the presented key is known. */
    public Optional<ApiKey> lookup(String presentedKey) {
        String hash = KeysFile.sha256(presentedKey);
        ApiKey key = keys.get(hash);
        long now = System.currentTimeMillis();
        if (key == null || now - checkedAt > config.reloadInterval().toMillis()) {
            // a miss or a stale view: a stat is cheap, a re-read happens only when the file changed
            reloadIfChanged();
            key = keys.get(hash);
        }
        return Optional.ofNullable(key);
    }

    private synchronized void reloadIfChanged() {
        checkedAt = System.currentTimeMillis();
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedModified)) {
                reload();
            }
        } catch (IOException e) {
            LOG.warnf("cannot check the keys file %s, keeping the %d keys loaded: %s", file, keys.size(), e.getMessage());
        }
    }

    private synchronized void reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            keys = Map.copyOf(KeysFile.read(file));
            loadedModified = modified;
        } catch (IOException e) {
            if (loadedModified == null) {
                throw new IllegalStateException("cannot read the keys file: " + e.getMessage(), e);
            }
            LOG.errorf("the keys file changed but cannot be read, keeping the %d keys loaded: %s", keys.size(), e.getMessage());
        }
    }
}
