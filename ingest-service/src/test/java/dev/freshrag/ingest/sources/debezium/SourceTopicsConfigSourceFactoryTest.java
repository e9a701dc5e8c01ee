package dev.freshrag.ingest.sources.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Streams topics list the Quarkus extension waits for includes every mapped Debezium topic. */
class SourceTopicsConfigSourceFactoryTest {

    @Test
    void mappedTopicsAreAppendedToTheConfiguredList() {
        assertThat(SourceTopicsConfigSourceFactory.properties("kb.doc-changes,kb.chunk-ops", List.of("cms.public.pages", "cms.public.pages")))
                .isEqualTo(Map.of(SourceTopicsConfigSourceFactory.TOPICS_KEY, "kb.doc-changes,kb.chunk-ops,cms.public.pages"));
        assertThat(SourceTopicsConfigSourceFactory.properties("kb.doc-changes", List.of())).isEmpty();
        assertThat(SourceTopicsConfigSourceFactory.properties(null, List.of("cms.public.pages"))).isEmpty();
    }

    @Test
    void recognisesTheTopicOfEveryMappingInPropertyAndEnvironmentForm() {
        assertThat(SourceTopicsConfigSourceFactory.isTopicProperty("freshrag.sources.debezium.pages.topic")).isTrue();
        assertThat(SourceTopicsConfigSourceFactory.isTopicProperty("freshrag.sources.debezium.\"cms.pages\".topic")).isTrue();
        assertThat(SourceTopicsConfigSourceFactory.isTopicProperty("FRESHRAG_SOURCES_DEBEZIUM_PAGES_TOPIC")).isTrue();
        assertThat(SourceTopicsConfigSourceFactory.isTopicProperty("freshrag.sources.debezium.pages.title-column")).isFalse();
        assertThat(SourceTopicsConfigSourceFactory.isTopicProperty("freshrag.topics.doc-changes")).isFalse();
    }
}
