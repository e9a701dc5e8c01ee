package dev.freshrag.embedding.config;

import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import io.smallrye.config.WithDefault;

/**
 * {@code freshrag.embedding.*}: which model build the embedder runs and where. A config group that the
 * embed-service and the query-service both nest under their own mapping, so the keys are declared once;
 * a service with another default sets it in its own {@code application.properties} (the query-service runs on
 * {@code cpu}). Values are read case-insensitively ({@code fp32}, {@code FP32}).
 */
public interface EmbeddingSettings {

    /**
     * {@code fp32} (reference quality) or {@code int8} (about twice as fast on CPU, Spearman 0.819 vs 0.820).
     * The embed- and the query-service must agree: the index refuses vectors of the other model.
     */
    @WithDefault("fp32")
    ModelVariant variant();

    /**
     * {@code auto} (CUDA when present, else CPU), {@code cpu} or {@code cuda} (fail without a GPU). The
     * query-service's default is {@code cpu}: queries are single short texts.
     */
    @WithDefault("auto")
    ExecutionTarget target();

    /** Largest micro-batch handed to ONNX Runtime; inputs are sorted by length first. */
    @WithDefault("32")
    int maxBatchSize();

    /** ONNX Runtime intra-op threads per session. */
    @WithDefault("1")
    int intraOpThreads();
}
