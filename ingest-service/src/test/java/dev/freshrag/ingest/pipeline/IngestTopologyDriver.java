package dev.freshrag.ingest.pipeline;

import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A {@link TopologyTestDriver} set up as the ingest-service runs its topology (exactly-once v2), with the byte-array
 * topics every topology test reads and writes: the set-up those tests shared line for line.
 */
final class IngestTopologyDriver extends TopologyTestDriver {

    IngestTopologyDriver(String applicationId, Topology topology) {
        super(topology, properties(applicationId));
    }

    /** Starting the driver's wall clock at {@code start} (the tests that advance time use a fixed clock). */
    IngestTopologyDriver(String applicationId, Topology topology, Instant start) {
        super(topology, properties(applicationId), start);
    }

    private static Properties properties(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return props;
    }

    TestInputTopic<byte[], byte[]> input(String topic) {
        return createInputTopic(topic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    }

    TestOutputTopic<byte[], byte[]> output(String topic) {
        return createOutputTopic(topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }
}
