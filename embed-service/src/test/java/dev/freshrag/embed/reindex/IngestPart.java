package dev.freshrag.embed.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationHeader;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * The ingest-service's part in a reindex test of the embed-service (as in {@code ReindexResourceTest}): a live change
 * accepted (kb.doc-changes, kb.doc-log and its operations in the live lane), and the re-driven records of the backfill
 * turned into operations in the bulk lane tagged with their generation (what the ingest does with them is tested in
 * its RepairRedriveTest).
 */
public final class IngestPart {

    public static final Duration WAIT = Duration.ofSeconds(120);

    public final String tenant;
    private final KafkaBroker broker = KafkaBroker.shared();
    /** Per document, its newest version's chunks (as the ingest's state would hold them) and version. */
    private final Map<String, List<ChunkOp>> chunks = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();

    public IngestPart(String tenant) {
        this.tenant = tenant;
    }

    public static ChunkOp chunk(String id, int seq, String text) {
        return ChunkOp.embed(id, seq, "h-" + id, text);
    }

    public RecordMetadata liveChange(String docId, long version, List<ChunkOp> ops, List<ChunkOp> all) {
        byte[] key = (tenant + "/" + docId).getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
        RecordMetadata source = broker.produce(Topics.DOC_CHANGES, key, value, Map.of());
        broker.produce(new ProducerRecord<>(Topics.DOC_LOG, source.partition(), key, value));
        DocumentOps o = new DocumentOps(tenant, docId, version, DocumentOps.Kind.APPLY, docId, Map.of(), ops, all.size(),
                source.partition(), source.offset());
        broker.produce(new ProducerRecord<>(Topics.CHUNK_OPS, source.partition(), key, EventJson.write(o)));
        chunks.put(docId, all);
        versions.put(docId, version);
        return source;
    }

    /**
     * A change accepted by the "ingest" whose operations only the caller applies (another replica consumed them):
     * kb.doc-changes and kb.doc-log as for a live change, nothing in the lane. Answers its kb.doc-changes position.
     */
    public DocumentOps acceptedOnly(String docId, long version, List<ChunkOp> ops, List<ChunkOp> all) {
        byte[] key = (tenant + "/" + docId).getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
        RecordMetadata source = broker.produce(Topics.DOC_CHANGES, key, value, Map.of());
        broker.produce(new ProducerRecord<>(Topics.DOC_LOG, source.partition(), key, value));
        chunks.put(docId, all);
        versions.put(docId, version);
        return new DocumentOps(tenant, docId, version, DocumentOps.Kind.APPLY, docId, Map.of(), ops, all.size(),
                source.partition(), source.offset());
    }

    /**
     * Every kb.doc-changes record tagged {@code generation} not handled yet becomes the document's operations in the
     * bulk lane, tagged: every chunk an embed, or a SKIP when it is not this tenant's newest version (the version guard).
     */
    public int ingestRedrives(Set<Long> handled, String generation) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : broker.consumeAllBytes(Topics.DOC_CHANGES, Duration.ofSeconds(30))) {
            Header g = r.headers().lastHeader(GenerationHeader.NAME);
            long id = ((long) r.partition() << 40) | r.offset();
            if (g == null || !generation.equals(new String(g.value(), StandardCharsets.UTF_8)) || !handled.add(id)) {
                continue;
            }
            assertThat(r.headers().lastHeader("freshrag-priority").value()).isEqualTo("bulk".getBytes(StandardCharsets.UTF_8));
            String[] key = new String(r.key(), StandardCharsets.UTF_8).split("/", 2);
            long version = Long.parseLong(new String(r.value(), StandardCharsets.UTF_8).replaceAll("\\D", ""));
            DocumentOps ops;
            if (key[0].equals(tenant) && versions.get(key[1]) == version) {
                List<ChunkOp> embeds = chunks.get(key[1]).stream().map(c -> ChunkOp.embed(c.chunkId(), c.seq(), c.hash(), c.text())).toList();
                ops = new DocumentOps(key[0], key[1], version, DocumentOps.Kind.APPLY, key[1], Map.of(), embeds, embeds.size(),
                        r.partition(), r.offset());
            } else {
                ops = new DocumentOps(key[0], key[1], version, DocumentOps.Kind.SKIP, null, null, null, 0, r.partition(), r.offset());
            }
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.CHUNK_OPS_BULK, r.partition(), r.key(), EventJson.write(ops));
            out.headers().add(GenerationHeader.NAME, g.value());
            broker.produce(out);
            n++;
        }
        return n;
    }

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + WAIT);
            }
            Thread.sleep(100);
        }
    }
}
