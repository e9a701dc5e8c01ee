package dev.freshrag.query.answer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes Server-Sent Events, each flushed at once: {@code event: <name>} and one {@code data:} line of JSON. */
final class SseWriter {

    private final OutputStream out;
    private final ObjectMapper json;

    SseWriter(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    void event(String name, Object data) throws IOException {
        // JSON has no raw newlines, so one data line always suffices
        String frame = "event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
