package dev.freshrag.e2e;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The shared real change stream: 600 revisions of 150 PEPs over three tenants, in commit order. */
final class PepStream {

    private PepStream() {
    }

    static Path location() {
        return Path.of(System.getProperty("shared.data.dir", "../../shared"), "data", "pep-changes", "events.jsonl.gz");
    }

    static List<DocumentChange> load() {
        List<DocumentChange> events = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(location())), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    events.add(EventJson.readDocumentChange(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }
}
