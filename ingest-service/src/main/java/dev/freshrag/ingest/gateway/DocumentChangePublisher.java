package dev.freshrag.ingest.gateway;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Priority;
import org.apache.kafka.common.header.internals.RecordHeaders;
import dev.freshrag.events.WriteToken;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Produces gateway events to kb.doc-changes through the SmallRye Kafka connector and learns where
 * they landed (partition and offset), which is what a read-your-writes token names.
 */
@ApplicationScoped
public class DocumentChangePublisher {

    public static final String CHANNEL = "doc-changes-out";

    private final Emitter<byte[]> emitter;

    public DocumentChangePublisher(@Channel(CHANNEL) Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** A live write. */
    public CompletionStage<WriteToken> publish(DocumentChange event) {
        return publish(event, Priority.LIVE);
    }

    /** A write in the given lane: bulk ones carry the header {@code freshrag-priority: bulk}. */
    public CompletionStage<WriteToken> publish(DocumentChange event, Priority priority) {
        CompletableFuture<WriteToken> done = new CompletableFuture<>();
        OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
        RecordHeaders headers = new RecordHeaders();
        if (priority == Priority.BULK) {
            headers.add(Priority.HEADER, Priority.bulkHeaderValue());
        }
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key().toString())
                .withHeaders(headers)
                .build();
        // the request's context travels with the message: the connector sends it on another thread, and its
        // "kb.doc-changes publish" span (whose context goes into the record's headers) must be a child of the PUT's
        Message<byte[]> message = Message.of(EventJson.write(event),
                        Metadata.of(kafka, result, TracingMetadata.withCurrent(Context.current())))
                .withAck(() -> {
                    RecordMetadata rm = result.getResult();
                    done.complete(new WriteToken(event.tenant(), rm.partition(), rm.offset()));
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    done.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return done;
    }
}
