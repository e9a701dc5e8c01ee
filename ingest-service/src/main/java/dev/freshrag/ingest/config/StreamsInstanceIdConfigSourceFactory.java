package dev.freshrag.ingest.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives the Kafka Streams main consumer its {@code group.instance.id} when {@code freshrag.streams.membership} is
 * {@code static}. Quarkus builds the Streams configuration from every {@code kafka-streams.*} property it finds, so
 * the id has to be a configuration property, computed before Quarkus reads them: hence a config source, not a bean.
 * Its ordinal is below application.properties, so an explicit {@code kafka-streams.main.consumer.group.instance.id}
 * still wins. Registered in META-INF/services/io.smallrye.config.ConfigSourceFactory.
 */
public final class StreamsInstanceIdConfigSourceFactory implements ConfigSourceFactory {

    /** The Quarkus passthrough key; Streams appends "-<thread index>" to the value for each stream thread. */
    public static final String GROUP_INSTANCE_ID_KEY = "kafka-streams.main.consumer.group.instance.id";
    static final String MEMBERSHIP_KEY = "freshrag.streams.membership";
    static final String INSTANCE_ID_KEY = "freshrag.streams.instance-id";
    static final String STATE_DIR_KEY = "kafka-streams.state.dir";
    private static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> props = properties(value(context, MEMBERSHIP_KEY), value(context, INSTANCE_ID_KEY),
                value(context, STATE_DIR_KEY), StreamsInstanceId::localHost);
        return List.of(new MapBackedConfigSource("freshrag-streams-instance-id", props, ORDINAL) {
        });
    }

    /** The properties this source adds: the instance id for static membership (the default), none for dynamic. */
    static Map<String, String> properties(String membership, String instanceId, String stateDir,
                                          java.util.function.Supplier<String> host) {
        GroupMembership m = GroupMembership.parse(membership).orElse(GroupMembership.STATIC);
        if (m != GroupMembership.STATIC) {
            return Map.of();
        }
        return Map.of(GROUP_INSTANCE_ID_KEY, StreamsInstanceId.resolve(Optional.ofNullable(instanceId), host.get(), stateDir));
    }

    private static String value(ConfigSourceContext context, String key) {
        ConfigValue v = context.getValue(key);
        return v == null ? null : v.getValue();
    }
}
