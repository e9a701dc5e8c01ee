package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A slice's texts in bounded model calls: the turn given back between calls, preemption, the measured speed. */
class ModelCallsTest {

    private static Map<String, String> texts(int n) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            texts.put("h" + i, "text " + i);
        }
        return texts;
    }

    private static Map<String, float[]> vectorsOf(Map<String, String> call) {
        Map<String, float[]> out = new LinkedHashMap<>();
        call.keySet().forEach(h -> out.put(h, new float[] {1}));
        return out;
    }

    @Test
    void textsAreSplitIntoCallsOfAtMostTheGivenSizeInTheirOrder() {
        List<Map<String, String>> calls = ModelCalls.split(texts(7), 3);
        assertThat(calls).extracting(Map::size).containsExactly(3, 3, 1);
        assertThat(calls.get(2)).containsOnlyKeys("h6");
        assertThat(ModelCalls.split(texts(2), 0)).hasSize(2); // at least one text per call
        assertThat(ModelCalls.split(texts(5), Integer.MAX_VALUE)).hasSize(1);
        assertThat(ModelCalls.split(Map.of(), 4)).isEmpty();
    }

    @Test
    void aLiveBatchArrivingDuringALongBulkSliceRunsAfterTheCallInProgressNotAfterTheSlice() throws Exception {
        LaneScheduler scheduler = new LaneScheduler();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstCallRunning = new CountDownLatch(1);
        CountDownLatch liveArrived = new CountDownLatch(1);
        AtomicInteger call = new AtomicInteger();
        ModelCalls bulk = new ModelCalls(t -> {
            int n = call.incrementAndGet();
            order.add("bulk call " + n);
            if (n == 1) {
                firstCallRunning.countDown();
                try {
                    liveArrived.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return vectorsOf(t);
        }, scheduler.turn(Lane.BULK), System::nanoTime, new EmbedRate());

        AtomicReference<Map<String, float[]>> result = new AtomicReference<>();
        Thread bulkWorker = new Thread(() -> {
            try {
                scheduler.acquire(Lane.BULK);
                try {
                    result.set(bulk.embed(texts(12), 4, () -> false));
                } finally {
                    scheduler.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        bulkWorker.start();
        assertThat(firstCallRunning.await(60, TimeUnit.SECONDS)).isTrue();

        scheduler.liveBatchStarted(); // a live edit arrives while the slice's first of three calls runs
        Thread live = new Thread(() -> {
            try {
                scheduler.acquire(Lane.LIVE);
                order.add("live");
                scheduler.release();
                scheduler.liveBatchFinished();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        live.start();
        liveArrived.countDown();
        live.join(60_000);
        bulkWorker.join(60_000);

        assertThat(order).containsExactly("bulk call 1", "live", "bulk call 2", "bulk call 3");
        assertThat(result.get()).hasSize(12);
    }

    @Test
    void aSliceGivenUpBetweenCallsAnswersNullAndMakesNoFurtherCall() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        LaneScheduler scheduler = new LaneScheduler();
        ModelCalls live = new ModelCalls(t -> {
            calls.incrementAndGet();
            return vectorsOf(t);
        }, scheduler.turn(Lane.LIVE), System::nanoTime, new EmbedRate());
        scheduler.acquire(Lane.LIVE);
        try {
            assertThat(live.embed(texts(10), 4, () -> calls.get() >= 1)).isNull();
            assertThat(calls).hasValue(1);
            assertThat(live.embed(texts(10), 4, () -> false)).hasSize(10); // not preempted: every call
            assertThat(calls).hasValue(1 + 3);
        } finally {
            scheduler.release();
        }
    }

    @Test
    void everyCallFeedsTheModelsMeasuredSpeed() throws Exception {
        AtomicLong now = new AtomicLong();
        EmbedRate rate = new EmbedRate();
        ModelCalls calls = new ModelCalls(t -> {
            now.addAndGet(Duration.ofMillis(500).toNanos() * t.size() / 4); // 8 texts a second
            return vectorsOf(t);
        }, new ModelCalls.Turn() {
            @Override
            public void release() {
            }

            @Override
            public void acquire() {
            }
        }, now::get, rate);
        calls.embed(texts(8), 4, () -> false);
        assertThat(rate.chunksIn(Duration.ofSeconds(1), 1, 100)).isEqualTo(8);
    }
}
