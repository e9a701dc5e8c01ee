package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How large slices and model calls are cut, and how a live slice given up is cut again. */
class SliceSizesTest {

    /** The defaults of {@code freshrag.batching.*}. */
    private static final EmbedConfig.Batching DEFAULTS = new EmbedConfig.Batching() {
        @Override
        public int maxChunks() {
            return 256;
        }

        @Override
        public Duration liveSliceTime() {
            return Duration.ofMillis(500);
        }

        @Override
        public int minChunks() {
            return 16;
        }

        @Override
        public int bulkMaxChunks() {
            return 64;
        }

        @Override
        public Duration bulkCallTime() {
            return Duration.ofMillis(250);
        }

        @Override
        public Duration liveQuiet() {
            return Duration.ofSeconds(2);
        }

        @Override
        public int livePendingRecords() {
            return 2000;
        }

        @Override
        public Duration backlogCommitInterval() {
            return Duration.ofSeconds(1);
        }
    };

    /** The model at 16 chunks a second (about what two CPU cores do). */
    private static EmbedRate sixteenPerSecond() {
        EmbedRate rate = new EmbedRate();
        rate.observed(16, Duration.ofSeconds(1));
        return rate;
    }

    @Test
    void oneTenantAloneGetsLargeLiveSlicesInCallsCutByTime() {
        SliceSizes sizes = new SliceSizes(DEFAULTS, sixteenPerSecond(), true);
        assertThat(sizes.liveSlice(1)).isEqualTo(256);
        assertThat(sizes.liveCall()).isEqualTo(8); // 0.5 s at 16 chunks/s: what an arriving tenant waits for
        assertThat(sizes.liveSlice(2)).isEqualTo(8); // several tenants: slices cut by time, fair by tenant
    }

    @Test
    void withoutTheEmbeddingCacheLiveSlicesStayCutByTime() {
        SliceSizes sizes = new SliceSizes(DEFAULTS, sixteenPerSecond(), false);
        assertThat(sizes.liveSlice(1)).isEqualTo(8); // a slice given up would lose its vectors: never grown
    }

    @Test
    void bulkCallsAreCutByTimeWhileLiveWorkIsAroundAndWholeInAPureBacklog() {
        SliceSizes sizes = new SliceSizes(DEFAULTS, sixteenPerSecond(), true);
        assertThat(sizes.bulkCall(true)).isEqualTo(4); // 0.25 s at 16 chunks/s
        assertThat(sizes.bulkCall(false)).isEqualTo(Integer.MAX_VALUE);
        assertThat(sizes.call(Lane.BULK, true)).isEqualTo(4);
        assertThat(sizes.call(Lane.LIVE, true)).isEqualTo(8);
        assertThat(sizes.bulkSlice(true)).isEqualTo(16);
        assertThat(sizes.bulkSlice(false)).isEqualTo(64);
        SliceSizes unmeasured = new SliceSizes(DEFAULTS, new EmbedRate(), true);
        assertThat(unmeasured.bulkCall(true)).isEqualTo(SliceSizes.BULK_MIN_CALL_TEXTS);
    }

    private static DocumentOps ops(String tenant, long offset, int embeds) {
        List<ChunkOp> chunks = new ArrayList<>();
        for (int i = 0; i < embeds; i++) {
            chunks.add(ChunkOp.embed(tenant + offset + "-" + i, i, "h" + offset + i, "text"));
        }
        return new DocumentOps(tenant, "doc-" + offset, 1, DocumentOps.Kind.APPLY, null, Map.of(), chunks, embeds, 0, offset);
    }

    @Test
    void aLiveSliceGivenBackIsCutAgainAfterTheTenantThatArrived() {
        List<DocumentOps> flood = new ArrayList<>();
        for (long o = 0; o < 10; o++) {
            flood.add(ops("flood", o, 4));
        }
        FairSlicer slicer = new FairSlicer(flood);
        assertThat(slicer.tenantsWaiting()).isEqualTo(1);
        List<DocumentOps> big = slicer.next(256); // the flooding tenant alone: one large slice
        assertThat(big).isEqualTo(flood);
        assertThat(slicer.othersWaiting(Set.of("flood"))).isFalse();

        DocumentOps edit = ops("quiet", 10, 1);
        slicer.add(List.of(edit)); // another tenant's edit arrives while the large slice embeds
        assertThat(slicer.othersWaiting(Set.of("flood"))).isTrue();
        slicer.putBack(big); // given up between two calls

        assertThat(slicer.remaining()).isEqualTo(11);
        assertThat(slicer.tenantsWaiting()).isEqualTo(2);
        assertThat(slicer.next(5)).containsExactly(edit, flood.get(0)); // the edit first, then the flood in order
        List<DocumentOps> rest = new ArrayList<>();
        while (slicer.hasNext()) {
            rest.addAll(slicer.next(8));
        }
        assertThat(rest).isEqualTo(flood.subList(1, 10));
    }

    @Test
    void aSliceGivenBackKeepsItsTenantsOrderAheadOfTheirLaterRecords() {
        DocumentOps a0 = ops("a", 0, 1);
        DocumentOps b1 = ops("b", 1, 1);
        DocumentOps a2 = ops("a", 2, 1);
        DocumentOps a3 = ops("a", 3, 1);
        FairSlicer slicer = new FairSlicer(List.of(a0, b1, a2, a3));
        List<DocumentOps> slice = slicer.next(3); // a0, b1, a2
        assertThat(slice).containsExactly(a0, b1, a2);
        slicer.putBack(slice);
        List<DocumentOps> all = new ArrayList<>();
        while (slicer.hasNext()) {
            all.addAll(slicer.next(100));
        }
        assertThat(all.stream().filter(o -> o.tenant().equals("a")).toList()).containsExactly(a0, a2, a3);
        assertThat(all).contains(b1);
    }
}
