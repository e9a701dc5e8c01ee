package dev.freshrag.embedding.archfixture;

import dev.freshrag.index.IndexFingerprint;

/** Breaks a rule on purpose (test sources only): the embedder importing the index port. */
public final class EmbedderThatKnowsTheIndex {
    public String describe(IndexFingerprint fingerprint) {
        return String.valueOf(fingerprint);
    }
}
