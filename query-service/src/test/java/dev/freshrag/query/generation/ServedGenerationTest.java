package dev.freshrag.query.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.generation.Generations;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServedGenerationTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static final IndexFingerprint BGE = new IndexFingerprint("bge-small-en-v1.5", 384);

    @Test
    void withoutAPlanTheOneIndexIsGenerationOneOfTheServiceModelWithUnknownChunking() {
        assertThat(ServedGeneration.choose(Optional.empty(), MINILM, OptionalInt.empty()))
                .isEqualTo(new ServedGeneration(1, "all-minilm-l6-v2", 384, null, "active"));
    }

    @Test
    void withoutAPlanTheGenerationTheStoreRecordsIsServed() {
        // Qdrant: the alias names generation 2's collection, whose metadata records its number
        assertThat(ServedGeneration.choose(Optional.empty(), BGE, OptionalInt.of(2)).id()).isEqualTo("g2");
    }

    @Test
    void aPlansActiveGenerationIsServedWithItsChunking() {
        Generations switched = Generations.first("all-minilm-l6-v2", 384, 256, T0)
                .start("bge-small-en-v1.5", 384, 512, T0).switchToBuilding();
        ServedGeneration served = ServedGeneration.choose(Optional.of(switched), BGE, OptionalInt.empty());
        assertThat(served).isEqualTo(new ServedGeneration(2, "bge-small-en-v1.5", 384, 512, "active"));
        assertThat(served.id()).isEqualTo("g2");
    }

    @Test
    void anActiveGenerationOfAnotherModelIsRefusedNamingBoth() {
        Generations switched = Generations.first("all-minilm-l6-v2", 384, 256, T0)
                .start("bge-small-en-v1.5", 384, 512, T0).switchToBuilding();
        // the same dimension: only the model id tells the vectors apart
        assertThatThrownBy(() -> ServedGeneration.choose(Optional.of(switched), MINILM, OptionalInt.empty()))
                .isInstanceOf(IndexMismatchException.class)
                .hasMessageContaining("g2").hasMessageContaining("bge-small-en-v1.5").hasMessageContaining("all-minilm-l6-v2");
    }
}
