package dev.freshrag.index.lucene.archfixture;

import dev.freshrag.http.ProblemException;

/** Breaks a rule on purpose (test sources only): an index adapter importing the HTTP problem library. */
public final class AdapterThatKnowsHttp {
    public RuntimeException fail(ProblemException e) {
        return e;
    }
}
