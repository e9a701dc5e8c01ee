package dev.freshrag.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deferred set in Lucene's commit user data, and how a commit written before the set reads. */
class CommitMetadataTest {

    private static final Path PATH = Path.of("index");

    @Test
    void aCommitFromBeforeTheSetReadsAsEveryOffsetBelowItsHighestDeferredNotYetAppliedInBulk() {
        // written by the release before the set: deferred.0 = one past the highest deferred offset (10)
        CommitMetadata older = CommitMetadata.parse(Map.of("freshrag.model", "m", "freshrag.dimension", "4",
                "freshrag.commit", "7", "src.0", "14", "bulk.0", "6", "deferred.0", "11"), PATH);

        assertThat(older.pendingDeferred().ranges(0)).containsExactly(new DeferredOffsets.Range(6, 10));
        assertThat(older.offsets(Lane.LIVE_DEFERRED)).isEqualTo(new SourceOffsets(Map.of(0, 11L)));
    }

    @Test
    void theSetRoundTripsThroughUserDataAndAnEmptySetStaysKnown() {
        CommitMetadata commit = CommitMetadata.parse(Map.of("freshrag.model", "m", "freshrag.dimension", "4"), PATH)
                .withDeferred(new DeferredOffsets(Map.of(0, java.util.List.of(new DeferredOffsets.Range(3, 4),
                        new DeferredOffsets.Range(8, 8)))));
        Map<String, String> userData = commit.toUserData();
        assertThat(userData).containsEntry("deferredRanges.0", "3-4,8").containsEntry("deferred.0", "9");
        assertThat(CommitMetadata.parse(userData, PATH).pendingDeferred()).isEqualTo(commit.pendingDeferred());

        // the bulk lane applies everything: the set is empty, and still written, so it never reads as an older commit
        CommitMetadata drained = commit.next(Lane.BULK, new SourceOffsets(Map.of(0, 9L)));
        assertThat(drained.toUserData()).containsEntry("deferredRanges.0", "");
        assertThat(CommitMetadata.parse(drained.toUserData(), PATH).pendingDeferred().isEmpty()).isTrue();
    }
}
