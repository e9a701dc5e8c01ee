package dev.freshrag.query.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.DocumentStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One document's newest accepted change against what the index holds of it. */
class DriftComparisonTest {

    private static final long CHECK = 1_000_000L;

    @Test
    void aLiveDocumentMustBeIndexedAtItsVersionOrLater() {
        assertThat(compare(upsert(3L), indexed(3))).isEmpty();
        assertThat(compare(upsert(3L), indexed(4))).as("a later change already indexed").isEmpty();
        assertThat(compare(upsert(3L), indexed(2))).map(DriftFinding::kind).contains(DriftFinding.Kind.STALE_VERSION);
        assertThat(compare(upsert(3L), Optional.empty())).map(DriftFinding::kind).contains(DriftFinding.Kind.MISSING);
        DriftFinding stale = compare(upsert(3L), indexed(2)).orElseThrow();
        assertThat(stale.expectedVersion()).isEqualTo(3L);
        assertThat(stale.indexedVersion()).isEqualTo(2L);
    }

    @Test
    void aVersionlessUpsertIsCheckedForPresenceOnly() {
        assertThat(compare(upsert(null), indexed(7))).isEmpty();
        assertThat(compare(upsert(null), Optional.empty())).map(DriftFinding::kind).contains(DriftFinding.Kind.MISSING);
    }

    @Test
    void aDeletedDocumentMustBeGoneUnlessRecreatedLater() {
        assertThat(compare(delete(5L), Optional.empty())).isEmpty();
        assertThat(compare(delete(5L), indexed(5))).map(DriftFinding::kind).contains(DriftFinding.Kind.NOT_DELETED);
        assertThat(compare(delete(5L), indexed(4))).map(DriftFinding::kind).contains(DriftFinding.Kind.NOT_DELETED);
        assertThat(compare(delete(5L), indexed(6))).as("re-created at a higher version").isEmpty();
        assertThat(compare(delete(null), indexed(9))).map(DriftFinding::kind).contains(DriftFinding.Kind.NOT_DELETED);
    }

    @Test
    void anIndexWriteAfterTheCheckBeganIsNotJudged() {
        Optional<DocumentStatus> writtenLater = Optional.of(new DocumentStatus("d", 1, 1, CHECK + 1));
        assertThat(compare(upsert(3L), writtenLater)).as("a newer change may have written it").isEmpty();
        assertThat(compare(delete(3L), writtenLater)).isEmpty();
    }

    private static Optional<DriftFinding> compare(LoggedChange c, Optional<DocumentStatus> indexed) {
        return DriftComparison.compare(c, indexed, CHECK);
    }

    private static LoggedChange upsert(Long version) {
        return new LoggedChange("acme", "d", version, false, CHECK - 600_000);
    }

    private static LoggedChange delete(Long version) {
        return new LoggedChange("acme", "d", version, true, CHECK - 600_000);
    }

    private static Optional<DocumentStatus> indexed(long version) {
        return Optional.of(new DocumentStatus("d", version, 2, CHECK - 1000));
    }
}
