package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.EventJson;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serde for FreshRAG's records in state stores and sinks. */
final class JsonSerde {

    private JsonSerde() {
    }

    static <T> Serde<T> of(Class<T> type) {
        Serializer<T> ser = (topic, value) -> value == null ? null : EventJson.write(value);
        Deserializer<T> de = (topic, bytes) -> bytes == null ? null : EventJson.read(bytes, type);
        return Serdes.serdeFrom(ser, de);
    }
}
