package dev.freshrag.ingest.cloudevents;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.Priority;

/** A CloudEvent as a document change, and the lane its {@code freshragpriority} extension asks for. */
public record MappedEvent(DocumentChange change, Priority priority) {
}
