package dev.freshrag.bench;

import dev.freshrag.embedding.EmbedderOptions;

/**
 * The options every embedder benchmark reads the same way ({@code bench embedder} and its {@code --models} form), so
 * their figures stay comparable: how many chunks, measured and warm-up passes, the model's max length and the chunks
 * per model call.
 */
record EmbedderRunOptions(int chunks, int runs, int warmup, int maxLength, int callSize) {

    static EmbedderRunOptions of(Args args) {
        return new EmbedderRunOptions(args.getInt("chunks", 480), args.getInt("runs", 5), args.getInt("warmup", 1),
                args.getInt("max-length", EmbedderOptions.DEFAULT_MAX_LENGTH), args.getInt("call-size", 64));
    }
}
