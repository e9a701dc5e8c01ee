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
    void aTenantsRecordReceivedInALaterBatchIsInTheNextSliceOfThePool() throws Exception {
        LanePool<String> pool = new LanePool<>(10_000);
        for (int b = 0; b < 3; b++) { // the flood in three poll batches
            List<DocumentOps> flood = new ArrayList<>();
            for (long o = 0; o < 100; o++) {
                flood.add(ops("flood", 0, b * 100 + o, 4));
            }
            pool.register("flood-" + b, flood, java.time.Instant.now());
        }
        List<DocumentOps> inProgress = pool.next(16);
        assertThat(inProgress).extracting(DocumentOps::tenant).containsOnly("flood");

        DocumentOps edit = ops("quiet", 1, 0, 4); // received while the first slice embeds, in a fourth batch
        LanePool.Batch<String> editBatch = pool.register("edit", List.of(edit), java.time.Instant.now());
        List<DocumentOps> next = pool.next(16);
        assertThat(next).contains(edit);
        assertThat(pool.batchOf(edit)).isSameAs(editBatch);

        // the edit's batch finishes alone; the flood's first batch only once all its records are handled
        assertThat(pool.handled(next)).extracting(b -> b.owner).containsExactly("edit");
        assertThat(pool.handled(inProgress)).isEmpty();
        List<DocumentOps> rest = new ArrayList<>();
        for (List<DocumentOps> s = pool.next(16); !s.isEmpty(); s = pool.next(16)) {
            rest.addAll(s);
        }
        assertThat(rest).extracting(DocumentOps::sourceOffset).isSorted(); // one tenant, one partition: FIFO
        assertThat(pool.handled(rest)).extracting(b -> b.owner).containsExactly("flood-0", "flood-1", "flood-2");
        assertThat(pool.pending()).isZero();
    }

    @Test
    void registeringWaitsWhileThePoolIsFull() throws Exception {
        LanePool<String> pool = new LanePool<>(150);
        List<DocumentOps> first = new ArrayList<>();
        for (long o = 0; o < 100; o++) {
            first.add(ops("a", 0, o, 1));
        }
        pool.register("first", first, java.time.Instant.now());
        CountDownLatch registered = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < 30; i++) { // 100 + 30 x 2 > 150: one of these waits for room
                    pool.register("more-" + i, List.of(ops("a", 0, 100 + 2 * i, 1), ops("a", 0, 101 + 2 * i, 1)),
                            java.time.Instant.now());
                }
                registered.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.start();
        assertThat(registered.await(300, TimeUnit.MILLISECONDS)).as("waits while full").isFalse();
        assertThat(pool.pending()).isLessThanOrEqualTo(150);
        pool.handled(pool.next(1000)); // everything pending is durable: room again
        assertThat(registered.await(60, TimeUnit.SECONDS)).as("registers once there is room").isTrue();
        consumer.join();
    }

    @Test
    void aSliceSpanningBatchesIsWrittenOnlyWhileEveryBatchStillHoldsItsPartitions() throws Exception {
        PartitionFence fence = new PartitionFence();
        fence.assigned(List.of(0, 1));
        PartitionFence.Ticket first = fence.admit(List.of(0));
        PartitionFence.Ticket second = fence.admit(List.of(0, 1));
        Map<PartitionFence.Ticket, List<Integer>> slice = new java.util.IdentityHashMap<>();
        slice.put(first, List.of(0));
        slice.put(second, List.of(0, 1));
        assertThat(fence.write(slice, () -> "written")).isEqualTo("written");

        fence.finished(first);
        // partition 1 moves while the second batch is pooled: its wait runs out, the batch's records of 1 are abandoned
        assertThat(fence.revoked(List.of(1), java.time.Duration.ofMillis(10))).containsExactly(1);
        assertThat(fence.write(slice, () -> "written")).as("one ticket no longer holds partition 1").isNull();
        Map<PartitionFence.Ticket, List<Integer>> rest = new java.util.IdentityHashMap<>();
        rest.put(second, List.of(0));
        assertThat(fence.write(rest, () -> "written")).as("its records of partition 0 still are").isEqualTo("written");
        fence.finished(second);
    }

    @Test
    void aPositionNeverPassesARecordAbandonedWithItsRevokedPartition() {
        DocumentOps x3 = ops("x", 0, 3, 1);
        DocumentOps y5 = ops("y", 0, 5, 1);
        LaneProgress progress = new LaneProgress(List.of(x3, y5));
        progress.applied(List.of(y5)); // another tenant's later record first
        progress.abandoned(List.of(x3)); // then partition 0 is revoked: 3 is never applied here
        assertThat(progress.positionsAfter(List.of())).isEqualTo(new SourceOffsets(Map.of(0, 3L)));

        // the partition comes back, replayed from its committed offset (at most 3)
        DocumentOps x3again = ops("x", 0, 3, 1);
        DocumentOps y5again = ops("y", 0, 5, 1);
        progress.add(List.of(x3again, y5again));
        assertThat(progress.positionsAfter(List.of(y5again))).isEqualTo(new SourceOffsets(Map.of(0, 3L)));
        progress.applied(List.of(y5again));
        assertThat(progress.positionsAfter(List.of(x3again))).isEqualTo(new SourceOffsets(Map.of(0, 6L)));
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
