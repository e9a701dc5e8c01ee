package dev.freshrag.query.archfixture;

import dev.freshrag.ingest.gateway.WriteAccepted;

/** Breaks a rule on purpose (test sources only): one service importing another. */
public final class QueryThatKnowsIngest {
    public String describe(WriteAccepted accepted) {
        return String.valueOf(accepted);
    }
}
