package dev.freshrag.embed.pipeline;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.ModelInfo;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stands for a model that stalls on one batch (a GPU stuck behind another job, a remote server hanging), which the
 * real model cannot be made to do on demand: the forced race needs replica A to be in the middle of embedding one
 * chosen text while its partition moves. The first call whose texts include {@code stallOn} counts {@code stalled}
 * down and waits for {@code release}; every other call answers at once from the wrapped double.
 */
final class StallingEmbedderDouble implements Embedder {

    private final Embedder delegate;
    private final String stallOn;
    private final CountDownLatch stalled;
    private final CountDownLatch release;
    private final AtomicBoolean armed = new AtomicBoolean(true);

    StallingEmbedderDouble(Embedder delegate, String stallOn, CountDownLatch stalled, CountDownLatch release) {
        this.delegate = delegate;
        this.stallOn = stallOn;
        this.stalled = stalled;
        this.release = release;
    }

    @Override
    public ModelInfo model() {
        return delegate.model();
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts.contains(stallOn) && armed.compareAndSet(true, false)) {
            stalled.countDown();
            try {
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the stalled model");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return delegate.embed(texts);
    }

    @Override
    public String executionProvider() {
        return delegate.executionProvider();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
