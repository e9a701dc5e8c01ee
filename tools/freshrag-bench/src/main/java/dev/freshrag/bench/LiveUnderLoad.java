package dev.freshrag.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Issue 13's two scenarios: a live edit of one tenant while (a) the whole PEP stream is loaded through
 * {@code POST documents:bulk} as fast as the gateway takes it, and (b) another tenant floods kb.doc-changes with the
 * same stream as unmarked (live) events straight from a Kafka producer. Each phase runs until the load is fully
 * indexed; a live edit is made every second meanwhile, and its PUT-to-searchable time is what the table shows.
 */
final class LiveUnderLoad {

    private final Stack stack;
    private final List<PepStream.Event> events;
    private final int bulkLines;

    LiveUnderLoad(Stack stack, List<PepStream.Event> events, int bulkLines) {
        this.stack = stack;
        this.events = events;
        this.bulkLines = bulkLines;
    }

    /** Phase (a): the PEP stream as bulk, in tenants {@code <prefix>-<pep tenant>}. */
    void bulkLoad(Table table, FreshnessBench.Probe probe, String prefix) throws InterruptedException {
        Load load = new Load("bulk load (documents:bulk)") {
            @Override
            List<Pending> send() {
                List<Pending> tokens = new ArrayList<>();
                List<PepStream.Event> batch = new ArrayList<>();
                String tenant = null;
                for (PepStream.Event e : events) {
                    String t = prefix + "-" + e.tenant();
                    if (!batch.isEmpty() && (!t.equals(tenant) || batch.size() == bulkLines)) {
                        tokens.add(postBulk(tenant, batch));
                        batch.clear();
                    }
                    tenant = t;
                    batch.add(e);
                }
                if (!batch.isEmpty()) {
                    tokens.add(postBulk(tenant, batch));
                }
                return tokens;
            }
        };
        load.run(table, probe);
    }

    /** Phase (b): the PEP stream as unmarked Kafka events, in one tenant {@code <prefix>}. */
    void unmarkedFlood(Table table, FreshnessBench.Probe probe, String prefix) throws InterruptedException {
        Load load = new Load("unmarked Kafka flood, other tenant") {
            @Override
            List<Pending> send() {
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka);
                p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
                p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
                p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
                List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                    for (PepStream.Event e : events) {
                        ObjectNode json = e.json().deepCopy();
                        json.put("tenant", prefix);
                        // every paragraph tagged: no chunk equals one the bulk phase embedded (no cache hits)
                        if (json.path("content").isTextual()) {
                            json.put("content", json.get("content").asText().replace("\n\n", " (" + prefix + ")\n\n"));
                        }
                        json.put("docId", e.tenant() + "-" + e.docId());
                        byte[] key = (prefix + "/" + e.tenant() + "-" + e.docId()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        sent.add(producer.send(new ProducerRecord<>(Topics.DOC_CHANGES, key, EventJson.write(json))));
                    }
                    producer.flush();
                    // every event's own token: the ingest defers most of a flood, and a later event's token does not
                    // cover an earlier deferred one
                    List<String> tokens = new ArrayList<>();
                    for (var f : sent) {
                        var m = f.get();
                        tokens.add(new WriteToken(prefix, m.partition(), m.offset()).toString());
                    }
                    return List.of(new Pending(prefix, tokens));
                } catch (Exception ex) {
                    throw new IllegalStateException("flooding kb.doc-changes failed: " + ex, ex);
                }
            }
        };
        load.run(table, probe);
    }

    /** Write tokens of one tenant to wait for (a bulk endpoint's token covers its whole batch). */
    record Pending(String tenant, List<String> tokens) {
    }

    Pending postBulk(String tenant, List<PepStream.Event> batch) {
        StringBuilder ndjson = new StringBuilder();
        for (PepStream.Event e : batch) {
            ObjectNode line = Stack.body(e);
            line.put("docId", e.docId());
            if ("DELETE".equals(e.op())) {
                line.put("op", "delete");
            }
            ndjson.append(line).append('\n');
        }
        String url = stack.ingest + "/v1/tenants/" + tenant + "/documents:bulk";
        Http.Reply r = stack.http.postNdjson(url, ndjson.toString());
        Http.require(r, 202, "POST " + url);
        String token = r.body().path("token").asText("");
        if (token.isEmpty()) {
            throw new IllegalStateException("no token in the answer to POST " + url + ": " + r.raw());
        }
        return new Pending(tenant, List.of(token));
    }

    /** A load sent on its own thread while live edits are sampled once a second until it is indexed. */
    private abstract class Load {
        private final String name;

        Load(String name) {
            this.name = name;
        }

        abstract List<Pending> send();

        void run(Table table, FreshnessBench.Probe probe) throws InterruptedException {
            AtomicBoolean loading = new AtomicBoolean(true);
            List<Double> live = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
            Thread sampler = new Thread(() -> {
                while (loading.get()) {
                    long t0 = System.nanoTime();
                    try {
                        live.add(probe.sample(false));
                    } catch (IllegalStateException e) {
                        // not searchable within the probe's 60 s: a miss, counted as 60 s (a lower bound), not dropped
                        misses.incrementAndGet();
                        live.add(60_000.0);
                    }
                    Pause.millis(Math.max(0, 1000 - (System.nanoTime() - t0) / 1_000_000));
                }
            }, "bench-live-edits");
            long t0 = System.nanoTime();
            sampler.start();
            double sentSeconds;
            double indexedSeconds;
            try {
                List<Pending> tokens = send();
                sentSeconds = (System.nanoTime() - t0) / 1e9;
                long deadline = System.currentTimeMillis() + 1_800_000;
                for (Pending p : tokens) {
                    stack.awaitAll(p.tenant(), p.tokens(), Math.max(1, deadline - System.currentTimeMillis()));
                }
                indexedSeconds = (System.nanoTime() - t0) / 1e9;
            } finally {
                loading.set(false);
                sampler.join(120_000);
            }
            FreshnessBench.row(table, name, "live edit, plain search", new ArrayList<>(live),
                    String.format(Locale.ROOT, "%d events sent in %.1f s, all indexed after %.1f s%s", events.size(),
                            sentSeconds, indexedSeconds, misses.get() == 0 ? ""
                                    : "; " + misses.get() + " live edits not searchable within 60 s (counted as 60 s)"));
        }
    }
}
