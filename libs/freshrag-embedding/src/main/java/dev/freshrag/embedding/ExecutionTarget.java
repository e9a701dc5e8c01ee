package dev.freshrag.embedding;

/** Where inference should run. */
public enum ExecutionTarget {
    /** CUDA when the onnxruntime build and the machine support it, otherwise CPU (with a warning). */
    AUTO,
    /** CPU only; never tries CUDA. */
    CPU,
    /** CUDA or fail: for deployments where silently running on CPU would be an outage in disguise. */
    CUDA
}
