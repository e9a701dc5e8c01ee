package dev.freshrag.embed.pipeline;

import dev.freshrag.testkit.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every Quarkus test of this module runs with: the JVM's in-JVM broker with the standard topics, and an empty
 * Lucene index at {@link #INDEX_DIR}. The directory is fixed (not a temp dir) because the tests read it from the test
 * JVM, which in {@code @QuarkusIntegrationTest} cannot see the application's configuration; it is emptied at each
 * start.
 */
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ConsumerTestResources.EmptyIndex.class, restrictToAnnotatedClass = false)
public final class ConsumerTestResources {

    /** Relative to the module directory, where surefire and failsafe run. */
    public static final Path INDEX_DIR = Path.of("target", "consumer-test-index").toAbsolutePath();

    private ConsumerTestResources() {
    }

    public static class EmptyIndex implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            deleteRecursively(INDEX_DIR);
            return Map.of(
                    "freshrag.index.kind", "lucene",
                    "freshrag.index.lucene.path", INDEX_DIR.toString(),
                    // never try CUDA in tests: the answer would depend on the machine
                    "freshrag.embedding.target", "cpu",
                    // a resource, not only the %test property: the packaged app runs in the prod profile, where an
                    // unset model means "bge-small for a new index", and the tests read the index as MiniLM
                    "freshrag.embedding.model", "all-minilm-l6-v2",
                    // a resource, not a %test property: @QuarkusIntegrationTest runs the packaged app in the prod
                    // profile, where the reindex endpoints' keys are required (they are tested end to end, ReindexIT)
                    "freshrag.security.enabled", "false");
        }

        @Override
        public void stop() {
            // the index stays under target/ for inspection
        }

        private static void deleteRecursively(Path dir) {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
