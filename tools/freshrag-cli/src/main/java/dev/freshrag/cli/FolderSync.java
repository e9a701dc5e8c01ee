package dev.freshrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One pass of {@code sync}: scan the folder, compare with the state, send what is new or changed, delete what is gone,
 * record what the service accepted. A full pass goes through the bulk lane: text files and deletes as NDJSON lines of
 * {@code documents:bulk} (at most {@value #MAX_LINES} lines or {@value #MAX_BATCH_BYTES} bytes per request), other
 * files as themselves through {@code PUT .../documents/{docId}} marked {@code freshrag-priority: bulk}. A live pass
 * ({@code --watch}) sends each change as a live edit.
 */
final class FolderSync {

    static final int MAX_LINES = 1000;
    static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a pass did. */
    record Summary(int added, int changed, int deleted, int unchanged, int failed, int skipped, long bytes, java.time.Duration took) {
        boolean nothingSent() {
            return added + changed + deleted + failed == 0;
        }
    }

    private final Path root;
    private final String tenant;
    private final FolderScan scanner;
    private final SyncState state;
    private final IngestClient client;
    private final Console console;
    private final boolean terminal;

    FolderSync(Path root, String tenant, FolderScan scanner, SyncState state, IngestClient client, Console console, boolean terminal) {
        this.root = root;
        this.tenant = tenant;
        this.scanner = scanner;
        this.state = state;
        this.client = client;
        this.console = console;
        this.terminal = terminal;
    }

    Summary pass(boolean live) {
        Map<String, SyncState.Entry> known = state.of(tenant);
        FolderScan.Result scan = scanner.scan(known);
        List<FolderScan.File> toSend = new ArrayList<>();
        int added = 0;
        int changed = 0;
        for (FolderScan.File f : scan.files().values()) {
            SyncState.Entry before = known.get(f.docId());
            if (before == null) {
                added++;
                toSend.add(f);
            } else if (!before.sha256().equals(f.sha256())) {
                changed++;
                toSend.add(f);
            } else if (before.modified() != f.modified()) {
                known.put(f.docId(), new SyncState.Entry(f.sha256(), f.size(), f.modified())); // touched, same content
            }
        }
        List<String> gone = known.keySet().stream().filter(d -> !scan.files().containsKey(d)).toList();
        int unchanged = scan.files().size() - toSend.size();
        if (toSend.isEmpty() && gone.isEmpty()) {
            state.save();
            return new Summary(0, 0, 0, unchanged, 0, scan.skipped(), 0, java.time.Duration.ZERO);
        }
        long totalBytes = toSend.stream().mapToLong(FolderScan.File::size).sum();
        SyncProgress progress = new SyncProgress(console.out(), terminal && !live, toSend.size() + gone.size(), totalBytes);
        int[] failed = {0};
        if (live) {
            for (FolderScan.File f : toSend) {
                sendLive(f, known, failed);
                progress.advance(1, f.size());
            }
            for (String docId : gone) {
                try {
                    client.delete(tenant, docId);
                    known.remove(docId);
                    state.save();
                    console.say("deleted " + docId);
                } catch (IngestClient.Rejected e) {
                    fail(docId, e, failed);
                }
            }
        } else {
            sendBulk(toSend, gone, known, progress, failed);
        }
        progress.done();
        return new Summary(added, changed, gone.size(), unchanged, failed[0], scan.skipped(), totalBytes, progress.elapsed());
    }

    private void sendLive(FolderScan.File f, Map<String, SyncState.Entry> known, int[] failed) {
        try {
            byte[] body = Files.readAllBytes(f.path());
            client.putFile(tenant, f.docId(), f.format().mediaType, body, false);
            known.put(f.docId(), new SyncState.Entry(f.sha256(), f.size(), f.modified()));
            state.save();
            console.say("updated " + f.docId());
        } catch (IOException e) {
            failed[0]++;
            console.warn(f.docId() + ": cannot read: " + e.getMessage());
        } catch (IngestClient.Rejected e) {
            fail(f.docId(), e, failed);
        }
    }

    private void sendBulk(List<FolderScan.File> toSend, List<String> gone, Map<String, SyncState.Entry> known,
                          SyncProgress progress, int[] failed) {
        List<Line> batch = new ArrayList<>();
        long batchBytes = 0;
        for (FolderScan.File f : toSend) {
            if (!f.format().text) {
                try {
                    client.putFile(tenant, f.docId(), f.format().mediaType, Files.readAllBytes(f.path()), true);
                    known.put(f.docId(), new SyncState.Entry(f.sha256(), f.size(), f.modified()));
                    state.save();
                } catch (IOException e) {
                    failed[0]++;
                    console.warn(f.docId() + ": cannot read: " + e.getMessage());
                } catch (IngestClient.Rejected e) {
                    fail(f.docId(), e, failed);
                }
                progress.advance(1, f.size());
                continue;
            }
            String content;
            try {
                content = utf8(Files.readAllBytes(f.path()));
            } catch (IOException e) {
                failed[0]++;
                console.warn(f.docId() + ": cannot read: " + e.getMessage());
                progress.advance(1, f.size());
                continue;
            }
            ObjectNode line = JSON.createObjectNode().put("docId", f.docId()).put("contentType", f.format().mediaType).put("content", content);
            String json = line.toString();
            if (!batch.isEmpty() && (batch.size() >= MAX_LINES || batchBytes + json.length() > MAX_BATCH_BYTES)) {
                flush(batch, known, progress, failed);
                batchBytes = 0;
            }
            batch.add(new Line(json, f));
            batchBytes += json.length();
        }
        for (String docId : gone) {
            if (batch.size() >= MAX_LINES) {
                flush(batch, known, progress, failed);
            }
            batch.add(new Line(JSON.createObjectNode().put("docId", docId).put("op", "delete").toString(), null, docId));
        }
        flush(batch, known, progress, failed);
    }

    private record Line(String json, FolderScan.File file, String deletedDocId) {
        Line(String json, FolderScan.File file) {
            this(json, file, null);
        }
    }

    private void flush(List<Line> batch, Map<String, SyncState.Entry> known, SyncProgress progress, int[] failed) {
        if (batch.isEmpty()) {
            return;
        }
        StringBuilder body = new StringBuilder();
        batch.forEach(l -> body.append(l.json()).append('\n'));
        JsonNode answer;
        try {
            answer = client.bulk(tenant, body.toString());
        } catch (IngestClient.Rejected e) {
            failed[0] += batch.size();
            console.warn("documents:bulk: HTTP " + e.status + ": " + e.getMessage());
            batch.clear();
            return;
        }
        for (JsonNode r : answer.path("results")) {
            Line l = batch.get(r.path("line").asInt() - 1);
            String docId = l.file() != null ? l.file().docId() : l.deletedDocId();
            if (r.path("status").asInt() == 202) {
                if (l.file() != null) {
                    known.put(docId, new SyncState.Entry(l.file().sha256(), l.file().size(), l.file().modified()));
                } else {
                    known.remove(docId);
                }
            } else {
                failed[0]++;
                console.warn(docId + ": HTTP " + r.path("status").asInt() + ": " + r.path("problem").path("detail").asText());
            }
        }
        state.save();
        progress.advance(batch.size(), batch.stream().mapToLong(l -> l.file() == null ? 0 : l.file().size()).sum());
        batch.clear();
    }

    private void fail(String docId, IngestClient.Rejected e, int[] failed) {
        failed[0]++;
        console.warn(docId + ": HTTP " + e.status + ": " + e.getMessage());
    }

    private static String utf8(byte[] bytes) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text", e);
        }
    }

    Path root() {
        return root;
    }
}
