package dev.freshrag.query.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.query.config.QueryConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the watcher reads from the Lucene pointer: nothing without one, each replacement, an unreadable one once. */
class LucenePointerSourceTest {

    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);

    @Test
    void followsEachReplacementOfThePointerAndReportsAnUnreadableOneOnce(@TempDir Path dir) throws Exception {
        QueryConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("freshrag.index.lucene.path", dir.toString()), "test", 100))
                .withMapping(QueryConfig.class)
                .build()
                .getConfigMapping(QueryConfig.class);
        LucenePointerSource source = new LucenePointerSource(config.index());
        assertThat(source.active()).as("no pointer: an index from before generations").isEmpty();

        LuceneGenerations layout = LuceneGenerations.at(dir);
        Generations g1 = layout.openOrAdopt(MINILM, 256, Instant.now());
        assertThat(source.active()).hasValueSatisfying(g -> assertThat(g.id()).isEqualTo("g1"));

        Generations started = layout.change(g1, g1.start("bge-small-en-v1.5", 384, 512, Instant.now()));
        assertThat(source.active()).as("a building generation is not served")
                .hasValueSatisfying(g -> assertThat(g.id()).isEqualTo("g1"));
        layout.change(started, started.switchToBuilding());
        assertThat(source.active()).hasValueSatisfying(g -> {
            assertThat(g.id()).isEqualTo("g2");
            assertThat(g.model()).isEqualTo("bge-small-en-v1.5");
            assertThat(g.chunkMaxTokens()).isEqualTo(512);
        });

        // replaced by hand with something unreadable: reported once, then the last plan read stays
        Path garbage = dir.resolve("by-hand.tmp");
        Files.writeString(garbage, "active=not a plan\n", StandardCharsets.UTF_8);
        Files.move(garbage, dir.resolve(LuceneGenerations.POINTER), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        assertThatThrownBy(source::active).isInstanceOf(IndexUnavailableException.class);
        assertThat(source.active()).hasValueSatisfying(g -> assertThat(g.id()).isEqualTo("g2"));

        // removed, then written properly again: no pointer, then the new plan
        Files.delete(dir.resolve(LuceneGenerations.POINTER));
        assertThat(source.active()).isEmpty();
        layout.openOrAdopt(MINILM, 256, Instant.now());
        assertThat(source.active()).hasValueSatisfying(g -> assertThat(g.id()).isEqualTo("g1"));
    }

    @Test
    void aGenerationRolledBackAndDroppedWhileItsModelLoadedIsNotOpenedNorItsDirectoryMadeAgain(@TempDir Path dir) {
        QueryConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("freshrag.index.lucene.path", dir.toString()), "test", 100))
                .withMapping(QueryConfig.class)
                .build()
                .getConfigMapping(QueryConfig.class);
        LucenePointerSource source = new LucenePointerSource(config.index());
        LuceneGenerations layout = LuceneGenerations.at(dir);
        Generations g1 = layout.openOrAdopt(MINILM, 256, Instant.now());
        Generations started = layout.change(g1, g1.start("bge-small-en-v1.5", 384, 256, Instant.now()));
        Generations switched = layout.change(started, started.switchToBuilding());
        ServedGeneration g2 = source.active().orElseThrow();
        assertThat(g2.id()).isEqualTo("g2");

        // what the watcher's switch does between seeing g2 and opening it: load bge (seconds); meanwhile the operator
        // rolls back and drops g2
        Generations rolledBack = layout.change(switched, switched.rollback());
        layout.change(rolledBack, rolledBack.dropPrevious());
        layout.dropFiles(switched.active());
        Path g2Directory = layout.directory(switched.active());
        assertThat(g2Directory).doesNotExist();

        assertThatThrownBy(() -> source.open(g2)).isInstanceOf(GenerationSupersededException.class)
                .hasMessageContaining("no longer the active one");
        assertThat(g2Directory).as("not created again, empty, by opening it").doesNotExist();
    }
}
