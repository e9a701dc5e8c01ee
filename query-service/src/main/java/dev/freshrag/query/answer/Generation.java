package dev.freshrag.query.answer;

import dev.freshrag.http.Problem;
import java.io.IOException;

/**
 * An answer being produced. Everything that can fail with a proper HTTP error (retrieval, an unknown model,
 * an unreachable LLM) has happened before a Generation exists; {@link #run} only delivers it, and can fail
 * only with {@link BrokenStream} (the LLM's stream broke after it started) or an IOException (the client went
 * away). Always close it: that releases the LoRA adapter the request holds.
 */
public interface Generation extends AutoCloseable {

    AnswerResponse run(TokenSink sink) throws IOException;

    @Override
    void close();

    /** The LLM's stream failed after tokens may have been passed on; the problem goes into an {@code error} event. */
    final class BrokenStream extends RuntimeException {
        private final transient Problem problem;

        public BrokenStream(Problem problem, Throwable cause) {
            super(problem.detail(), cause);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }
}
