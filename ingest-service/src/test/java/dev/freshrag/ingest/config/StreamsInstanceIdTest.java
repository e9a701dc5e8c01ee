package dev.freshrag.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamsInstanceIdTest {

    @Test
    void theDerivedIdIsStableForOneHostAndStateDirectory() {
        String a = StreamsInstanceId.resolve(Optional.empty(), "box-1", "/data/home/streams");
        assertThat(a).isEqualTo(StreamsInstanceId.resolve(Optional.empty(), "box-1", "/data/home/streams"))
                .matches("box-1-[0-9a-f]{8}");
    }

    @Test
    void anotherStateDirectoryOrHostIsAnotherMember() {
        String a = StreamsInstanceId.resolve(Optional.empty(), "box-1", "/data/a/streams");
        assertThat(StreamsInstanceId.resolve(Optional.empty(), "box-1", "/data/b/streams")).isNotEqualTo(a);
        assertThat(StreamsInstanceId.resolve(Optional.empty(), "box-2", "/data/a/streams")).isNotEqualTo(a);
    }

    @Test
    void aConfiguredIdWinsAndIsChecked() {
        assertThat(StreamsInstanceId.resolve(Optional.of("ingest-service-2"), "box-1", "/x")).isEqualTo("ingest-service-2");
        assertThat(StreamsInstanceId.resolve(Optional.of("  "), "box-1", "/x")).startsWith("box-1-");
        assertThatThrownBy(() -> StreamsInstanceId.resolve(Optional.of("pod/2"), "box-1", "/x"))
                .hasMessageContaining("freshrag.streams.instance-id").hasMessageContaining("pod/2");
    }

    @Test
    void aHostNameIsMadeLegal() {
        assertThat(StreamsInstanceId.derive("my host:1", "/x")).matches("my-host-1-[0-9a-f]{8}");
        assertThat(StreamsInstanceId.derive("", "/x")).matches("host-[0-9a-f]{8}");
        assertThat(StreamsInstanceId.derive("h".repeat(300), "/x")).hasSize(63 + 9);
    }

    @Test
    void staticMembershipIsTheDefaultAndDynamicSetsNoId() {
        assertThat(StreamsInstanceIdConfigSourceFactory.properties(null, null, "/s", () -> "box"))
                .containsOnlyKeys(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY);
        assertThat(StreamsInstanceIdConfigSourceFactory.properties("Static", "ingest-0", "/s", () -> "box"))
                .containsEntry(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY, "ingest-0");
        assertThat(StreamsInstanceIdConfigSourceFactory.properties("dynamic", "ingest-0", "/s", () -> {
            throw new AssertionError("no host lookup for dynamic members");
        })).isEmpty();
    }

    /** The factory as SmallRye runs it: reads the options from the other sources, and an explicit key still wins. */
    @Test
    void theFactoryFeedsTheStreamsConsumerKeyFromTheOptions() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("freshrag.streams.instance-id", "ingest-service-1",
                        "kafka-streams.state.dir", "/var/lib/freshrag/streams"), "test", 250))
                .withSources(new StreamsInstanceIdConfigSourceFactory())
                .withMapping(IngestConfig.class).build();
        assertThat(config.getValue(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY, String.class)).isEqualTo("ingest-service-1");
        assertThat(config.getConfigMapping(IngestConfig.class).streams().membership()).isEqualTo(GroupMembership.STATIC);
        assertThat(config.getConfigMapping(IngestConfig.class).streams().instanceId()).contains("ingest-service-1");

        SmallRyeConfig explicit = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY, "chosen"), "test", 250))
                .withSources(new StreamsInstanceIdConfigSourceFactory()).build();
        assertThat(explicit.getValue(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY, String.class)).isEqualTo("chosen");

        SmallRyeConfig dynamic = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("freshrag.streams.membership", "DYNAMIC"), "test", 250))
                .withSources(new StreamsInstanceIdConfigSourceFactory()).withMapping(IngestConfig.class).build();
        assertThat(dynamic.getOptionalValue(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY, String.class)).isEmpty();
        assertThat(dynamic.getConfigMapping(IngestConfig.class).streams().membership()).isEqualTo(GroupMembership.DYNAMIC);
    }
}
