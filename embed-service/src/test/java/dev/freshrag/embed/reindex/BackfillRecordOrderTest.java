package dev.freshrag.embed.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.GenerationControl.Backfill;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which kb.generations progress records are late: a backfill only goes forward, so one saying less is a lost runner's. */
class BackfillRecordOrderTest {

    private static Backfill redriven(long n, boolean done) {
        return new Backfill(10, n, done, Map.of(0, 10L), Map.of(0, n), Map.of());
    }

    @Test
    void aRecordSayingLessThanTheKnownProgressIsLate() {
        assertThat(Reindex.isBehind(redriven(3, false), redriven(7, false))).isTrue();
        assertThat(Reindex.isBehind(redriven(9, false), redriven(7, true))).as("anything not done, once done").isTrue();
        assertThat(Reindex.isBehind(Backfill.none(), redriven(7, true))).isTrue();
        assertThat(Reindex.isBehind(null, redriven(1, false))).as("a record without progress").isTrue();
    }

    @Test
    void aRecordSayingAsMuchOrMoreIsTaken() {
        assertThat(Reindex.isBehind(redriven(7, false), redriven(7, false))).isFalse();
        assertThat(Reindex.isBehind(redriven(8, false), redriven(7, false))).isFalse();
        assertThat(Reindex.isBehind(redriven(10, true), redriven(7, false))).isFalse();
        assertThat(Reindex.isBehind(redriven(10, true), redriven(10, true))).isFalse();
        assertThat(Reindex.isBehind(redriven(0, false), null)).as("nothing known yet").isFalse();
        assertThat(Reindex.isBehind(redriven(0, false), Backfill.none())).isFalse();
    }
}
