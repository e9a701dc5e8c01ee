package dev.freshrag.embed.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model-run counters over embedders of one model loaded and closed in turn (a reindex's generation dropped, another
 * started): the counters only grow, and a closed embedder is no longer held. Real models: the counters read ONNX
 * Runtime's runs.
 */
class ModelRunCountersTest {

    @Test
    void aClosedEmbeddersRunsStayCountedAndItIsNoLongerHeld() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EmbedMetrics metrics = new EmbedMetrics(registry);
        EmbedderOptions options = EmbedderOptions.defaults();
        String model;

        OnnxEmbedder first = OnnxEmbedder.load(options);
        model = first.model().id();
        metrics.modelLoaded(first);
        first.embed(List.of("Penguins live in the southern hemisphere.", "Camels store fat in their humps."));
        double runsOfFirst = runs(registry, model);
        double tokensOfFirst = registry.get("freshrag.embedding.tokens").tag("model", model).tag("kind", "text")
                .functionCounter().count();
        assertThat(runsOfFirst).isPositive();
        assertThat(tokensOfFirst).isPositive();

        metrics.modelClosed(first);
        first.close();
        assertThat(metrics.openEmbedders(model)).as("embedders held after the close").isZero();
        assertThat(runs(registry, model)).as("runs after the close").isEqualTo(runsOfFirst);

        try (OnnxEmbedder second = OnnxEmbedder.load(options)) {
            metrics.modelLoaded(second);
            second.embed(List.of("Owls hunt at night."));
            assertThat(metrics.openEmbedders(model)).isEqualTo(1);
            assertThat(runs(registry, model)).as("the first's runs and the second's").isGreaterThan(runsOfFirst);
        }
    }

    private static double runs(SimpleMeterRegistry registry, String model) {
        return registry.get("freshrag.embedding.runs").tag("model", model).functionCounter().count();
    }
}
