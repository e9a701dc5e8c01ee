package dev.freshrag.embed.pipeline;

import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.PreparedPoints;
import dev.freshrag.index.VectorIndexWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The real index it wraps, recording which thread prepared writes and which writes came prepared or plain. */
final class PrepareRecordingIndex extends ForwardingIndexWriter {

    final List<String> preparedOn = new CopyOnWriteArrayList<>();
    final List<Integer> preparedWrites = new CopyOnWriteArrayList<>();
    final List<Integer> plainWrites = new CopyOnWriteArrayList<>();

    PrepareRecordingIndex(VectorIndexWriter real) {
        super(real);
    }

    @Override
    public PreparedPoints prepare(List<IndexPoint> points) {
        preparedOn.add(Thread.currentThread().getName());
        return real.prepare(points);
    }

    @Override
    public void upsert(PreparedPoints prepared) {
        preparedWrites.add(prepared.points().size());
        real.upsert(prepared);
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        plainWrites.add(points.size());
        real.upsert(points);
    }
}
