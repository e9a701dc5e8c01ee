package dev.freshrag.query.llm;

/** How FreshRAG gets tenants' LoRA adapters onto the LLM server ({@code freshrag.lora.mode}). */
public enum LoraMode {
    /** FreshRAG loads and unloads adapters through the server's runtime endpoints (one vLLM replica). */
    RUNTIME,
    /** The server resolves adapters by name from shared storage (several replicas); FreshRAG only routes by name. */
    RESOLVER
}
