package dev.freshrag.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.freshrag.tokenizer.TokenCounter;

/** The shared PEP change stream (600 revisions of 150 documents, three tenants), and chunks cut from it. */
public final class PepStream {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the stream, kept as JSON so it can be sent to the ingest-service unchanged. */
    public record Event(String tenant, String docId, long version, String op, ObjectNode json) {
        public String content() {
            JsonNode c = json.get("content");
            return c == null || c.isNull() ? "" : c.asText();
        }
    }

    private PepStream() {
    }

    public static Path location() {
        String explicit = System.getenv("FRESHRAG_PEP_STREAM");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String shared = System.getProperty("freshrag.shared.dir");
        if (shared != null) {
            return Path.of(shared, "data", "pep-changes", "events.jsonl.gz");
        }
        // <repo>/../shared, the layout of the workspace and of CI
        return Path.of("..", "shared", "data", "pep-changes", "events.jsonl.gz");
    }

    public static List<Event> load() {
        Path path = location();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("the PEP change stream is not at " + path.toAbsolutePath()
                    + " (set FRESHRAG_PEP_STREAM or -Dfreshrag.shared.dir)");
        }
        List<Event> events = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(path)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode n = (ObjectNode) JSON.readTree(line);
                events.add(new Event(n.get("tenant").asText(), n.get("docId").asText(), n.path("version").asLong(),
                        n.path("op").asText("UPSERT"), n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** The newest content of every document, in first-seen order. */
    public static Map<String, String> latestContents(List<Event> events) {
        Map<String, String> byDoc = new LinkedHashMap<>();
        for (Event e : events) {
            if (!"DELETE".equals(e.op())) {
                byDoc.put(e.tenant() + "/" + e.docId(), e.content());
            }
        }
        return byDoc;
    }

    /** Blank-line separated paragraphs, trimmed, without empty ones. */
    public static List<String> paragraphs(String content) {
        List<String> out = new ArrayList<>();
        for (String p : content.split("\\n\\s*\\n")) {
            String t = p.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Mixed-length chunks: the paragraphs of every document, merged greedily until a per-chunk target drawn
     * uniformly from [minTokens, maxTokens] would be exceeded (special tokens included). A single paragraph
     * longer than the target stays whole, so a few chunks exceed maxTokens and exercise truncation. A seeded
     * sample of {@code count} of them, shuffled, so lengths are mixed in every call.
     */
    public static List<String> mixedChunks(List<Event> events, TokenCounter tokens, int count, int minTokens,
                                           int maxTokens, long seed) {
        Random random = new Random(seed);
        List<String> chunks = new ArrayList<>();
        for (String content : latestContents(events).values()) {
            StringBuilder current = new StringBuilder();
            int used = 2;
            int target = minTokens + random.nextInt(maxTokens - minTokens + 1);
            for (String p : paragraphs(content)) {
                int t = tokens.countTokens(p) - 2;
                if (current.length() > 0 && used + t > target) {
                    chunks.add(current.toString());
                    current.setLength(0);
                    used = 2;
                    target = minTokens + random.nextInt(maxTokens - minTokens + 1);
                }
                if (current.length() > 0) {
                    current.append("\n\n");
                }
                current.append(p);
                used += t;
            }
            if (current.length() > 0) {
                chunks.add(current.toString());
            }
        }
        Collections.shuffle(chunks, random);
        return new ArrayList<>(chunks.subList(0, Math.min(count, chunks.size())));
    }
}
