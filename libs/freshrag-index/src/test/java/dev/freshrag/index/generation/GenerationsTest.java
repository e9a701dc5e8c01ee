package dev.freshrag.index.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);

    private final Generations first = Generations.first("all-minilm-l6-v2", 384, 256, T0);

    @Test
    void aFirstPlanHasOneActiveGeneration() {
        assertThat(first.active()).isEqualTo(new Generation(1, "all-minilm-l6-v2", 384, 256, GenerationState.ACTIVE, T0));
        assertThat(first.active().id()).isEqualTo("g1");
        assertThat(first.building()).isEmpty();
        assertThat(first.previous()).isEmpty();
        assertThat(first.lastNumber()).isEqualTo(1);
    }

    @Test
    void startSwitchRollbackAndDropWalkThePlan() {
        Generations building = first.start("bge-small-en-v1.5", 384, 256, T1);
        assertThat(building.building()).map(Generation::id).contains("g2");
        assertThat(building.active().number()).isEqualTo(1);

        Generations switched = building.switchToBuilding();
        assertThat(switched.active().modelId()).isEqualTo("bge-small-en-v1.5");
        assertThat(switched.previous()).map(Generation::number).contains(1);
        assertThat(switched.building()).isEmpty();

        Generations rolledBack = switched.rollback();
        assertThat(rolledBack.active().number()).isEqualTo(1);
        assertThat(rolledBack.previous()).map(Generation::number).contains(2);
        assertThat(rolledBack.rollback()).as("a second rollback rolls forward").isEqualTo(switched);

        Generations dropped = switched.dropPrevious();
        assertThat(dropped.generations()).extracting(Generation::number).containsExactly(2);
        assertThat(switched.leftBy(dropped)).extracting(Generation::number).containsExactly(1);
        assertThat(dropped.lastNumber()).isEqualTo(2);
    }

    @Test
    void aSwitchWithAPreviousGenerationLetsTheOlderOneGo() {
        Generations third = first.start("b", 384, 256, T1).switchToBuilding().start("c", 384, 128, T1);
        Generations switched = third.switchToBuilding();
        assertThat(switched.generations()).extracting(Generation::id, Generation::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("g2", GenerationState.PREVIOUS),
                org.assertj.core.groups.Tuple.tuple("g3", GenerationState.ACTIVE));
        assertThat(third.leftBy(switched)).extracting(Generation::id).containsExactly("g1");
    }

    @Test
    void aNumberIsNeverReusedAfterAnAbort() {
        Generations aborted = first.start("b", 384, 256, T1).abortBuilding();
        assertThat(aborted.generations()).extracting(Generation::number).containsExactly(1);
        assertThat(aborted.start("c", 384, 256, T1).building()).map(Generation::id).contains("g3");
    }

    @Test
    void changesTheCurrentPlanDoesNotAllowAreRefusedSayingWhy() {
        Generations building = first.start("b", 384, 256, T1);
        assertThatThrownBy(() -> building.start("c", 384, 256, T1)).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("g2 (b) is building already");
        assertThatThrownBy(first::switchToBuilding).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("no generation is building");
        assertThatThrownBy(first::rollback).isInstanceOf(GenerationConflictException.class)
                .hasMessageContaining("no previous generation");
        assertThatThrownBy(first::abortBuilding).isInstanceOf(GenerationConflictException.class);
        assertThatThrownBy(first::dropPrevious).isInstanceOf(GenerationConflictException.class);
    }

    @Test
    void anInconsistentPlanCannotBeBuilt() {
        Generation a = new Generation(1, "a", 4, 256, GenerationState.ACTIVE, T0);
        Generation b = new Generation(2, "b", 4, 256, GenerationState.ACTIVE, T0);
        assertThatThrownBy(() -> new Generations(List.of(a, b), 2)).hasMessageContaining("exactly one active");
        assertThatThrownBy(() -> new Generations(List.of(), 0)).hasMessageContaining("exactly one active");
        assertThatThrownBy(() -> new Generations(List.of(a), 0)).hasMessageContaining("lastNumber");
        assertThatThrownBy(() -> new Generation(0, "a", 4, 256, GenerationState.ACTIVE, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
