package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The embed-service's scheduling parts on their own: fair slices, lane positions, live-first turns. */
class LaneMachineryTest {

    private static DocumentOps ops(String tenant, int partition, long offset, int embeds) {
        List<ChunkOp> chunks = new ArrayList<>();
        for (int i = 0; i < embeds; i++) {
            chunks.add(ChunkOp.embed(tenant + offset + "-" + i, i, "h" + offset + i, "text"));
        }
        return new DocumentOps(tenant, "doc-" + offset, 1, DocumentOps.Kind.APPLY, null, Map.of(), chunks, embeds, partition, offset);
    }

    @Test
    void aFloodingTenantDelaysAnotherTenantsEditByAtMostOneSlice() {
        List<DocumentOps> batch = new ArrayList<>();
        for (long o = 0; o < 100; o++) {
            batch.add(ops("flood", 0, o, 4));
        }
        DocumentOps edit = ops("quiet", 0, 100, 4); // behind the whole flood in the partition
        batch.add(edit);

        FairSlicer slicer = new FairSlicer(batch);
        List<DocumentOps> first = slicer.next(16);
        assertThat(first).contains(edit); // one record per tenant in turn: the edit is in the first slice
        assertThat(first).hasSize(4); // then the budget (16 chunks, 4 per record) is spent

        int slices = 1;
        while (slicer.hasNext()) {
            List<DocumentOps> s = slicer.next(16);
            assertThat(s).isNotEmpty();
            assertThat(s.stream().mapToInt(FairSlicer::cost).sum()).isLessThanOrEqualTo(16);
            slices++;
        }
        assertThat(slices).isEqualTo(1 + (100 - 3 + 3) / 4); // 97 flood records left, 4 per slice
    }

    @Test
    void aTenantsRecordsKeepTheirOrderAcrossSlices() {
        List<DocumentOps> batch = new ArrayList<>();
        for (long o = 0; o < 30; o++) {
            batch.add(ops(o % 3 == 0 ? "a" : "b", (int) (o % 2), o, 1 + (int) (o % 5)));
        }
        FairSlicer slicer = new FairSlicer(batch);
        List<DocumentOps> seen = new ArrayList<>();
        while (slicer.hasNext()) {
            seen.addAll(slicer.next(7));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(batch);
        for (String t : List.of("a", "b")) {
            assertThat(seen.stream().filter(o -> o.tenant().equals(t)).toList())
                    .isEqualTo(batch.stream().filter(o -> o.tenant().equals(t)).toList());
        }
    }

    @Test
    void aRecordLargerThanTheBudgetStillMakesASliceOfItsOwn() {
        FairSlicer slicer = new FairSlicer(List.of(ops("a", 0, 0, 50), ops("a", 0, 1, 1)));
        assertThat(slicer.next(8)).hasSize(1);
        assertThat(slicer.next(8)).hasSize(1);
        assertThat(slicer.hasNext()).isFalse();
    }

    @Test
    void lanePositionsNeverPassARecordNotYetApplied() {
        DocumentOps p0o5 = ops("a", 0, 5, 1);
        DocumentOps p0o6 = ops("b", 0, 6, 1);
        DocumentOps p0o7 = ops("a", 0, 7, 1);
        DocumentOps p1o3 = ops("b", 1, 3, 1);
        LaneProgress progress = new LaneProgress(List.of(p0o5, p0o6, p0o7, p1o3));

        // applied out of order: 6 and 3 first
        assertThat(progress.positionsAfter(List.of(p0o6, p1o3))).isEqualTo(new SourceOffsets(Map.of(0, 5L, 1, 4L)));
        progress.applied(List.of(p0o6, p1o3));
        assertThat(progress.positionsAfter(List.of(p0o5))).isEqualTo(new SourceOffsets(Map.of(0, 7L, 1, 4L)));
        progress.applied(List.of(p0o5));
        assertThat(progress.positionsAfter(List.of(p0o7))).isEqualTo(new SourceOffsets(Map.of(0, 8L, 1, 4L)));
    }

    @Test
    void bulkWaitsWhileLiveWorkIsPendingAndRunsAtOnceWhenItIsIdle() throws Exception {
        LaneScheduler scheduler = new LaneScheduler();
        scheduler.acquire(Lane.BULK); // alone: at once
        scheduler.release();

        scheduler.liveBatchStarted();
        AtomicBoolean bulkRan = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread bulk = new Thread(() -> {
            try {
                scheduler.acquire(Lane.BULK);
                bulkRan.set(true);
                scheduler.release();
                done.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        bulk.start();
        scheduler.acquire(Lane.LIVE); // live is never held back by a waiting bulk slice
        assertThat(done.await(200, TimeUnit.MILLISECONDS)).isFalse();
        scheduler.release();
        assertThat(done.await(200, TimeUnit.MILLISECONDS)).as("still a live batch in flight").isFalse();
        assertThat(bulkRan).isFalse();
        scheduler.liveBatchFinished();
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bulkRan).isTrue();
        bulk.join();
    }

    @Test
    void liveWorkIsRecentForTheQuietPeriodAfterItEnds() {
        AtomicLong now = new AtomicLong(0);
        LaneScheduler scheduler = new LaneScheduler(now::get);
        assertThat(scheduler.liveRecentlyActive(1_000)).isFalse(); // never any live work: bulk runs at full size
        scheduler.liveBatchStarted();
        now.set(5_000);
        assertThat(scheduler.liveRecentlyActive(1_000)).isTrue(); // in flight
        scheduler.liveBatchFinished();
        now.set(5_500);
        assertThat(scheduler.liveRecentlyActive(1_000)).isTrue();
        now.set(6_500);
        assertThat(scheduler.liveRecentlyActive(1_000)).isFalse();
    }
}
