package dev.freshrag.query.answer;

import java.io.IOException;

/** Receives the answer's text piece by piece as it is generated (a stream), or nothing ({@link #NONE}). */
@FunctionalInterface
public interface TokenSink {

    TokenSink NONE = text -> { };

    void token(String text) throws IOException;
}
