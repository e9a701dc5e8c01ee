package dev.freshrag.query.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The LoRA metrics, tagged with the adapter's configured name: {@code freshrag.lora.requests} (requests for the
 * adapter), {@code freshrag.lora.failures} (requests that could not use it; tag {@code reason}),
 * {@code freshrag.lora.load} (timer of every load, preloads included; tag {@code outcome}: success, failure),
 * {@code freshrag.lora.unloads}, and the gauge {@code freshrag.lora.loaded}.
 */
final class LoraMetrics {

    /** Failure reasons: the load failed or is paused after a failure; the server did not know it; the request failed. */
    static final String LOAD = "load";
    static final String NOT_FOUND = "not-found";
    static final String REQUEST = "request";

    private final MeterRegistry meters;

    LoraMetrics(MeterRegistry meters, LoadedAdapters adapters) {
        this.meters = meters;
        Gauge.builder("freshrag.lora.loaded", adapters, LoadedAdapters::loadedCount)
                .description("LoRA adapters FreshRAG has loaded on the LLM server (runtime mode)")
                .strongReference(true)
                .register(meters);
    }

    void request(String adapter) {
        Counter.builder("freshrag.lora.requests").tag("adapter", adapter).register(meters).increment();
    }

    void failure(String adapter, String reason) {
        Counter.builder("freshrag.lora.failures").tag("adapter", adapter).tag("reason", reason).register(meters).increment();
    }

    void load(String adapter, boolean success, long startNanos) {
        Timer.builder("freshrag.lora.load").tag("adapter", adapter).tag("outcome", success ? "success" : "failure")
                .register(meters).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void unload(String adapter) {
        Counter.builder("freshrag.lora.unloads").tag("adapter", adapter).register(meters).increment();
    }
}
