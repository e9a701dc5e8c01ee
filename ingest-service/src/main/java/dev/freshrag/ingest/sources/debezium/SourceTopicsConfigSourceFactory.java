package dev.freshrag.ingest.sources.debezium;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Adds every mapped Debezium topic to {@code quarkus.kafka-streams.topics}, the list the Quarkus extension waits for
 * before it starts the topology: started without its source topic, Kafka Streams would stop with a missing-topic
 * error instead of waiting. A config source because Quarkus reads that list as configuration; its ordinal is just
 * above application.properties (250), so a list set by the deployer (environment, system property) still wins.
 * Registered in META-INF/services/io.smallrye.config.ConfigSourceFactory.
 */
public final class SourceTopicsConfigSourceFactory implements ConfigSourceFactory {

    static final String TOPICS_KEY = "quarkus.kafka-streams.topics";
    private static final int ORDINAL = 255;
    private static final Pattern PROPERTY = Pattern.compile("freshrag\\.sources\\.debezium\\.(\"[^\"]+\"|[^.]+)\\.topic");
    private static final Pattern ENV = Pattern.compile("FRESHRAG_SOURCES_DEBEZIUM_.+_TOPIC");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> mapped = new ArrayList<>();
        Iterator<String> names = context.iterateNames();
        while (names.hasNext()) {
            String name = names.next();
            if (isTopicProperty(name)) {
                ConfigValue v = context.getValue(name);
                if (v != null && v.getValue() != null && !v.getValue().isBlank()) {
                    mapped.add(v.getValue().trim());
                }
            }
        }
        ConfigValue base = context.getValue(TOPICS_KEY);
        Map<String, String> props = properties(base == null ? null : base.getValue(), mapped);
        return List.of(new MapBackedConfigSource("freshrag-debezium-source-topics", props, ORDINAL) {
        });
    }

    /** The topics list with the mapped topics appended (none mapped: nothing, the configured list stands). */
    static Map<String, String> properties(String configured, List<String> mappedTopics) {
        if (mappedTopics.isEmpty() || configured == null || configured.isBlank()) {
            return Map.of(); // no list configured means Quarkus waits for nothing; adding one would change that
        }
        Set<String> topics = new LinkedHashSet<>(List.of(configured.trim()));
        topics.addAll(mappedTopics);
        return Map.of(TOPICS_KEY, String.join(",", topics));
    }

    static boolean isTopicProperty(String name) {
        return PROPERTY.matcher(name).matches() || ENV.matcher(name).matches();
    }
}
