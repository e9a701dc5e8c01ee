package dev.freshrag.ingest.cloudevents;

import java.util.Map;

/** A CloudEvent's {@code data} when it is JSON: the document's fields (unknown ones are ignored). */
public record CloudEventData(String title, String contentType, String content, Map<String, String> metadata) {
}
