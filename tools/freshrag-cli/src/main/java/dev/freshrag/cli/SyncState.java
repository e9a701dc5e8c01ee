package dev.freshrag.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code sync} last sent from a folder: per tenant, per docId (the relative path), the file's SHA-256, size and
 * modification time (size and time spare re-hashing unchanged files). Kept in {@value #FILE_NAME} at the folder's
 * root, written after every request the service accepted, so an interrupted sync resumes where it stopped.
 */
final class SyncState {

    static final String FILE_NAME = ".freshrag-sync.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Entry(String sha256, long size, long modified) {
    }

    private final Path file;
    private final Map<String, Map<String, Entry>> tenants;

    private SyncState(Path file, Map<String, Map<String, Entry>> tenants) {
        this.file = file;
        this.tenants = tenants;
    }

    static SyncState load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new SyncState(file, new TreeMap<>());
        }
        try {
            Map<String, Map<String, Entry>> read = JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Map<String, Entry>>>() { });
            Map<String, Map<String, Entry>> sorted = new TreeMap<>();
            read.forEach((t, files) -> sorted.put(t, new TreeMap<>(files)));
            return new SyncState(file, sorted);
        } catch (IOException e) {
            throw new CliFailure("cannot read the sync state " + file + " (delete it to send everything again): " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    Map<String, Entry> of(String tenant) {
        return tenants.computeIfAbsent(tenant, t -> new TreeMap<>());
    }

    void save() {
        try {
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            JSON.writeValue(tmp.toFile(), tenants);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliFailure("cannot write the sync state " + file + ": " + e.getMessage(), e);
        }
    }
}
