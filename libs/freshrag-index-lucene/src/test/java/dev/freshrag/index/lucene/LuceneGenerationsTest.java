package dev.freshrag.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.generation.Generations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generations of the embedded index on real directories: an index from before generations is adopted in place, a
 * building generation lives beside the active one, and the pointer file moves atomically.
 */
class LuceneGenerationsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private static final IndexFingerprint FIXTURE = new IndexFingerprint("fixture-model", 4);
    private static final IndexFingerprint NEW_MODEL = new IndexFingerprint("new-model", 3);
    @TempDir
    Path tmp;

    @Test
    void anIndexFromBeforeGenerationsIsAdoptedAsG1InPlaceAndKeepsWorkingAcrossARestart() throws IOException {
        Path root = Lucene9Fixture.copyTo(tmp);
        LuceneGenerations generations = LuceneGenerations.at(root);
        assertThat(generations.read()).as("no pointer before adoption").isEmpty();

        // the service is configured with another model: the index keeps the fingerprint its commit records
        Generations plan = generations.openOrAdopt(new IndexFingerprint("configured-model", 4), 256, T0);

        assertThat(plan.active()).isEqualTo(new Generation(1, "fixture-model", 4, 256, GenerationState.ACTIVE, T0));
        assertThat(generations.directory(plan.active())).isEqualTo(root.toAbsolutePath());
        assertThat(root.resolve(LuceneGenerations.POINTER)).exists();
        assertThat(root.resolve("segments_3")).as("nothing moved").exists();
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(generations.directory(plan.active()),
                plan.active().fingerprint(), LuceneOptions.defaults())) {
            assertThat(reader.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 41));
            assertThat(search(reader, new float[] {0, 0, 1, 0})).containsExactly("pep-634");
        }
        try (LuceneWriterIndex writer = LuceneWriterIndex.open(generations.directory(plan.active()),
                plan.active().fingerprint(), LuceneOptions.defaults())) {
            writer.upsert(List.of(point("pep-695", 5, new float[] {0, 1, 0, 0})));
            writer.commit(Lane.LIVE, SourceOffsets.applied(0, 42));
        }

        // a restart reads the pointer and adopts nothing again
        LuceneGenerations restarted = LuceneGenerations.at(root);
        assertThat(restarted.openOrAdopt(FIXTURE, 512, T0.plusSeconds(3600))).isEqualTo(plan);
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(restarted.directory(1), FIXTURE, LuceneOptions.defaults())) {
            assertThat(reader.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 42));
            assertThat(search(reader, new float[] {0, 1, 0, 0})).containsExactly("pep-695");
        }
        // and the service's own model is still refused for that generation, as before generations
        assertThatThrownBy(() -> LuceneReaderIndex.open(restarted.directory(1), new IndexFingerprint("configured-model", 4),
                LuceneOptions.defaults())).isInstanceOf(IndexMismatchException.class);
    }

    @Test
    void anEmptyPathStartsWithGenerationOneOfTheConfiguredModelAtTheRoot() {
        Path root = tmp.resolve("fresh");
        Generations plan = LuceneGenerations.at(root).openOrAdopt(FIXTURE, 128, T0);
        assertThat(plan).isEqualTo(Generations.first("fixture-model", 4, 128, T0));
        assertThat(LuceneGenerations.at(root).read()).contains(plan);
    }

    @Test
    void aBuildingGenerationLivesBesideTheActiveOneAndTheSwitchMovesThePointer() throws IOException {
        Path root = tmp.resolve("index");
        LuceneGenerations generations = LuceneGenerations.at(root);
        Generations one = generations.openOrAdopt(FIXTURE, 256, T0);
        LuceneWriterIndex g1 = LuceneWriterIndex.open(generations.directory(1), FIXTURE, LuceneOptions.defaults());
        g1.upsert(List.of(point("old-doc", 1, new float[] {1, 0, 0, 0})));
        g1.commit(Lane.LIVE, SourceOffsets.applied(0, 1));

        Generations two = generations.change(one, one.start("new-model", 3, 256, T0.plusSeconds(1)));
        Path g2Dir = generations.directory(2);
        assertThat(g2Dir).isEqualTo(root.toAbsolutePath().resolve("g2")).isDirectory();
        try (LuceneWriterIndex g2 = LuceneWriterIndex.open(g2Dir, NEW_MODEL, LuceneOptions.defaults())) {
            g2.upsert(List.of(point("new-doc", 2, new float[] {0, 0, 1})));
            g2.commit(Lane.BULK, SourceOffsets.applied(0, 1));
        }
        // the root writer commits, closes and reopens (Lucene's file deleter runs each time) with g2/ and the pointer
        // in its directory, and deletes neither
        for (int i = 2; i < 6; i++) {
            g1.upsert(List.of(point("old-doc-" + i, 10 + i, new float[] {1, i, 0, 0})));
            g1.commit(Lane.LIVE, SourceOffsets.applied(0, i));
        }
        g1.close();
        g1 = LuceneWriterIndex.open(generations.directory(1), FIXTURE, LuceneOptions.defaults());
        assertThat(root.resolve(LuceneGenerations.POINTER)).exists();
        try (LuceneReaderIndex g2 = LuceneReaderIndex.open(g2Dir, NEW_MODEL, LuceneOptions.defaults());
             LuceneReaderIndex rootReader = LuceneReaderIndex.open(generations.directory(1), FIXTURE,
                     LuceneOptions.defaults())) {
            assertThat(search(g2, new float[] {0, 0, 1})).containsExactly("new-doc");
            // a reader of the root (every query-service before generations) is not disturbed by g2/ either
            assertThat(search(rootReader, new float[] {1, 0, 0, 0})).containsExactly("old-doc");
            assertThat(rootReader.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 5));
        }

        // another process (a query-service) reads the plan the switch wrote, whole
        Generations switched = generations.change(two, two.switchToBuilding());
        Generations seen = LuceneGenerations.at(root).read().orElseThrow();
        assertThat(seen).isEqualTo(switched);
        assertThat(seen.active()).extracting(Generation::id, Generation::modelId).containsExactly("g2", "new-model");
        assertThat(seen.previous()).map(Generation::id).contains("g1");

        Generations rolledBack = generations.change(switched, switched.rollback());
        assertThat(LuceneGenerations.at(root).read().orElseThrow().active().id()).isEqualTo("g1");
        Generations forward = generations.change(rolledBack, rolledBack.rollback());

        // drop-previous: the plan first, then g1's files, once its writer is closed; g2 and the pointer stay
        Generations dropped = generations.change(forward, forward.dropPrevious());
        g1.close();
        for (Generation gone : forward.leftBy(dropped)) {
            generations.dropFiles(gone);
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no index file of g1 is left at the root").noneMatch(n -> n.startsWith("segments") || n.startsWith("_"))
                    .contains("g2", LuceneGenerations.POINTER);
        }
        try (LuceneReaderIndex g2 = LuceneReaderIndex.open(generations.directory(dropped.active()), NEW_MODEL,
                LuceneOptions.defaults())) {
            assertThat(search(g2, new float[] {0, 0, 1})).containsExactly("new-doc");
        }
        assertThat(LuceneGenerations.at(root).read()).contains(dropped);
    }

    @Test
    void anAbortedGenerationsDirectoryIsDeletedAndItsNumberNotReused() {
        Path root = tmp.resolve("index");
        LuceneGenerations generations = LuceneGenerations.at(root);
        Generations one = generations.openOrAdopt(FIXTURE, 256, T0);
        Generations building = generations.change(one, one.start("new-model", 3, 256, T0));
        try (LuceneWriterIndex g2 = LuceneWriterIndex.open(generations.directory(2), NEW_MODEL, LuceneOptions.defaults())) {
            g2.upsert(List.of(point("new-doc", 2, new float[] {0, 0, 1})));
            g2.commit(Lane.BULK, SourceOffsets.applied(0, 1));
        }
        Generation g2 = building.building().orElseThrow();
        assertThatThrownBy(() -> generations.dropFiles(g2)).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("still in the plan");

        Generations aborted = generations.change(building, building.abortBuilding());
        generations.dropFiles(g2);
        assertThat(generations.directory(2)).doesNotExist();
        Generations again = generations.change(aborted, aborted.start("new-model", 3, 256, T0));
        assertThat(again.building()).map(Generation::id).contains("g3");
        assertThat(generations.directory(3)).isDirectory();
    }

    @Test
    void aChangeFromAStalePlanIsRefusedAndChangesNothing() {
        Path root = tmp.resolve("index");
        LuceneGenerations generations = LuceneGenerations.at(root);
        Generations one = generations.openOrAdopt(FIXTURE, 256, T0);
        Generations two = LuceneGenerations.at(root).change(one, one.start("new-model", 3, 256, T0));

        assertThatThrownBy(() -> generations.change(one, one.start("other-model", 8, 256, T0)))
                .isInstanceOf(GenerationConflictException.class).hasMessageContaining("changed meanwhile");
        assertThat(generations.read()).contains(two);
    }

    @Test
    void aWriteInterruptedBeforeTheRenameLeavesTheOldPlanReadable() throws IOException {
        Path root = tmp.resolve("index");
        LuceneGenerations generations = LuceneGenerations.at(root);
        Generations one = generations.openOrAdopt(FIXTURE, 256, T0);
        // what a crash between writing the temporary file and renaming it leaves behind: a partial next plan
        Files.writeString(root.resolve(LuceneGenerations.POINTER + ".crashed.tmp"), "format=1\nlast=2\ng2.mod");

        assertThat(LuceneGenerations.at(root).read()).contains(one);
        assertThat(generations.change(one, one.start("new-model", 3, 256, T0)).building()).isPresent();
    }

    @Test
    void theIdsOfAnyModelSurviveThePointerAndABrokenPointerIsNamed() throws IOException {
        Path root = tmp.resolve("index");
        LuceneGenerations generations = LuceneGenerations.at(root);
        Generations one = generations.openOrAdopt(new IndexFingerprint("org/model:v=2 \\ x", 4), 256, T0);
        assertThat(LuceneGenerations.at(root).read()).contains(one);

        Files.writeString(root.resolve(LuceneGenerations.POINTER), "format=1\nlast=1\ng1.state=active\n");
        assertThatThrownBy(() -> LuceneGenerations.at(root).read()).isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("g1.model").hasMessageContaining(LuceneGenerations.POINTER);
    }

    private static List<String> search(LuceneVectorIndex index, float[] vector) {
        return index.search(new SearchQuery("t1", vector, 1, Map.of())).stream().map(SearchHit::docId).toList();
    }

    private static IndexPoint point(String docId, int n, float[] vector) {
        return new IndexPoint("t1", docId, String.format("00000000-0000-0000-0000-%012d", n), 0, "h" + n, "text " + n,
                new DocumentPayload(1, "title " + n, Map.of()), vector, 1000L + n);
    }
}
