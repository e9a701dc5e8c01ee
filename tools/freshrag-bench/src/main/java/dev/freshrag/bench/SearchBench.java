package dev.freshrag.bench;

import dev.freshrag.launcher.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.index.lucene.LuceneVectorIndex;
import dev.freshrag.index.lucene.LuceneWriterIndex;

/**
 * Search latency and recall at 10k and 100k chunks, on synthetic vectors (clustered random unit vectors, see
 * {@link #vectors}) written with the real LuceneVectorIndex writer and the service's default HNSW settings.
 * Measured twice: directly on LuceneVectorIndex (the query vector given), and through a query-service process
 * pointed at the same index directory (POST /search: HTTP, JSON, embedding the query text, kNN, stored fields).
 * Recall@10 is against exact (brute-force) search over the same vectors, for the synthetic query vectors and for
 * the query-service's own query vectors (the bench embeds the query text with the same model to know them).
 */
public final class SearchBench {

    static final int DIMENSION = ModelVariant.DIMENSION;
    static final IndexFingerprint FINGERPRINT = new IndexFingerprint(ModelVariant.FP32.modelId(EmbeddingModel.ALL_MINILM_L6_V2), DIMENSION);
    static final String TENANT = "bench";

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String[] sizes = args.get("sizes", "10000,100000").split(",");
        int queries = args.getInt("queries", 300);
        int warmup = args.getInt("warmup", 100);
        int k = args.getInt("k", 10);
        int clusters = args.getInt("clusters", 200);
        double noise = args.getDouble("noise", 0.05);
        Path dir = Path.of(args.get("dir", "target/bench-search"));
        String jar = args.get("query-service-jar", "");
        boolean http = !jar.isEmpty() && !args.has("no-http");

        Machine.printHeader("search: latency and recall@" + k + " at " + String.join(", ", sizes) + " chunks",
                "./freshrag bench search " + String.join(" ", argv));
        System.out.printf(Locale.ROOT, "- vectors: %d cluster centres = the fp32 MiniLM vectors of %d PEP paragraphs (a fixed"
                        + " sample); each chunk vector = normalize(centre + N(0, %.3f^2) per dimension) around a uniformly"
                        + " chosen centre (cosine to its centre about %.2f); synthetic query vectors are drawn the same way;"
                        + " one tenant holds every chunk; HNSW maxConn %d, beamWidth %d (LuceneOptions.defaults());"
                        + " chunk texts are real PEP chunks (stored fields of realistic size)%n",
                clusters, clusters, noise, 1 / Math.sqrt(1 + noise * noise * DIMENSION),
                LuceneOptions.DEFAULT_HNSW_MAX_CONN, LuceneOptions.DEFAULT_HNSW_BEAM_WIDTH);
        System.out.printf(Locale.ROOT, "- %d warm-up and %d measured queries per row, one at a time; nearest-rank percentiles%n",
                warmup, queries);

        List<String> texts = sampleTexts();
        // cluster centres: real MiniLM vectors of PEP paragraphs, so that real query vectors (the query-service
        // embeds the query text) fall inside the synthetic distribution
        float[][] centres;
        // real query vectors: the query texts the HTTP row sends, embedded as the query-service embeds them (fp32
        // MiniLM), searched in process too, so that the path (HTTP) and the query distribution can be told apart
        List<String> realQueryTexts = queryTexts(texts, warmup + queries);
        float[][] realQueryVectors = new float[realQueryTexts.size()][];
        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU))) {
            centres = embedder.embed(centreTexts(texts, clusters));
            for (int q = 0; q < realQueryTexts.size(); q++) {
                realQueryVectors[q] = embedder.embedQuery(realQueryTexts.get(q));
            }
        }
        Table table = new Table("search latency and recall@" + k, "chunks", "path", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "recall@" + k, "segments", "index build");
        for (String s : sizes) {
            int n = Integer.parseInt(s.trim());
            float[][] vectors = vectors(n, centres, noise, 11);
            Path indexDir = dir.resolve(String.format(Locale.ROOT, "index-%d-pep%d-n%.3f-m%d-b%d", n, clusters, noise,
                    LuceneOptions.DEFAULT_HNSW_MAX_CONN, LuceneOptions.DEFAULT_HNSW_BEAM_WIDTH));
            String build = ensureIndex(indexDir, vectors, texts);
            int segments = segments(indexDir);
            Map<String, Integer> idOf = new HashMap<>();
            for (int i = 0; i < n; i++) {
                idOf.put(chunkId(i), i);
            }

            // direct: LuceneVectorIndex.search with a synthetic query vector; then the same asking for more
            // candidates than kept (what a query-side "ef" would do), to show what recall costs
            Map<String, float[][]> querySets = new LinkedHashMap<>();
            querySets.put("synthetic", vectors(warmup + queries, centres, noise, 99));
            querySets.put("real", realQueryVectors);
            try (LuceneReaderIndex reader = LuceneReaderIndex.open(indexDir, FINGERPRINT, LuceneOptions.defaults())) {
                reader.refreshNow();
                List<Integer> fetches = new ArrayList<>(List.of(k));
                for (String f : args.get("overfetch", "50,100,200,400").split(",")) {
                    if (!f.isBlank() && Integer.parseInt(f.trim()) > k) {
                        fetches.add(Integer.parseInt(f.trim()));
                    }
                }
                for (Map.Entry<String, float[][]> set : querySets.entrySet()) {
                float[][] queryVectors = set.getValue();
                int[][] exact = new int[queryVectors.length][];
                for (int q = warmup; q < queryVectors.length; q++) {
                    exact[q] = Recall.exactTopK(vectors, queryVectors[q], k);
                }
                for (int fetch : fetches) {
                    List<Double> latencies = new ArrayList<>();
                    List<Double> recalls = new ArrayList<>();
                    for (int q = 0; q < warmup + queries; q++) {
                        long t0 = System.nanoTime();
                        List<SearchHit> hits = reader.search(new SearchQuery(TENANT, queryVectors[q], fetch, Map.of()));
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (q >= warmup) {
                            latencies.add(ms);
                            recalls.add(Recall.atK(ids(hits, idOf), boxed(exact[q]), k));
                        }
                    }
                    Stats st = Stats.of(latencies);
                    table.row(n, set.getKey() + " queries: " + (fetch == k ? "LuceneVectorIndex.search, k=" + k + " (in process)"
                                    : "LuceneVectorIndex.search, k=" + fetch + ", first " + k + " kept (in process)"),
                            Table.f(st.percentile(50), 2), Table.f(st.percentile(95), 2), Table.f(st.percentile(99), 2),
                            Table.f(st.max(), 2), Table.f(Recall.mean(recalls), 4), segments, build);
                }
                }
            }

            if (http) {
                httpRow(table, args, jar, indexDir, n, vectors, idOf, k, warmup, queries, texts, segments, build);
            }
        }
        table.note("k=" + k + ": what the query-service asks LuceneVectorIndex for (topK); the index explores at least "
                + LuceneVectorIndex.SEARCH_CANDIDATES + " HNSW candidates and keeps the best k (before commit 70c6896 it"
                + " explored only k); k=50..400, first 10 kept: the bench asks for more and keeps the best 10 itself;"
                + " synthetic queries are drawn like the chunk vectors, real ones are the HTTP row's query texts embedded");
        table.note("latency: wall time of one search; in process = LuceneVectorIndex.search (tenant-filtered "
                + "KnnFloatVectorQuery plus stored fields of the hits); HTTP = client-side time of POST "
                + "/v1/tenants/bench/search {query, topK, mode: dense} against a query-service process reading the same directory "
                + "(includes embedding the query text)");
        table.note("recall@k: share of the exact top-k (brute-force dot product over all vectors) that the answer holds, "
                + "averaged over the measured queries; for HTTP the query vector is the query text embedded by the "
                + "same model in the bench (fp32), so the exact answer is known; the query texts are 3-20 word "
                + "snippets of PEP paragraphs, so their vectors lie near the real-vector cluster centres");
        table.note("index build: writing all points with LuceneVectorIndex.upsert (batches of 1000) and one commit; "
                + "cached in " + dir + " between runs (\"cached\")");
        table.print(System.out);
    }

    private static void httpRow(Table table, Args args, String jar, Path indexDir, int n, float[][] vectors,
                                Map<String, Integer> idOf, int k, int warmup, int queries, List<String> texts,
                                int segments, String build) throws Exception {
        int port = args.getInt("port", 18083);
        String kafka = args.get("kafka", "127.0.0.1:9092");
        ServiceProcess.Builder spec = ServiceProcess.forJar("bench-query-service-" + n, Path.of(jar))
                .port(port).jvmArgs("-Xmx512m")
                .env("QUARKUS_HTTP_HOST", "127.0.0.1")
                .env("FRESHRAG_INDEX_LUCENE_PATH", indexDir.toAbsolutePath().toString())
                .env("KAFKA_BOOTSTRAP_SERVERS", kafka)
                .env("OPT_OUT_TRACKING", "true")
                .logDirectory(Path.of(args.get("log-dir", "target")))
                .readyTimeout(Duration.ofSeconds(180));
        String keysFile = args.get("keys-file", "");
        if (!keysFile.isEmpty()) {
            spec.env("FRESHRAG_SECURITY_KEYS_FILE", keysFile);
        }
        try (ServiceProcess qs = spec.start()) {
            Http client = Http.fromEnvironment();
            String url = "http://127.0.0.1:" + port + "/v1/tenants/" + TENANT + "/search";
            List<String> queryTexts = queryTexts(texts, warmup + queries);
            float[][] queryVectors;
            try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU))) {
                queryVectors = queryTexts.stream().map(embedder::embedQuery).toArray(float[][]::new);
            }
            List<Double> latencies = new ArrayList<>();
            List<Double> recalls = new ArrayList<>();
            for (int q = 0; q < queryTexts.size(); q++) {
                long t0 = System.nanoTime();
                // dense: the recall is measured against the exact dense top k (hybrid, the default mode, fuses BM25 in)
                Http.Reply r = client.post(url, Map.of("query", queryTexts.get(q), "topK", k, "mode", "dense"));
                double ms = (System.nanoTime() - t0) / 1e6;
                Http.require(r, 200, "POST " + url);
                if (q >= warmup) {
                    latencies.add(ms);
                    List<Object> got = new ArrayList<>();
                    r.body().path("hits").forEach(h -> got.add(idOf.get(h.path("chunkId").asText())));
                    recalls.add(Recall.atK(got, boxed(Recall.exactTopK(vectors, queryVectors[q], k)), k));
                }
            }
            Stats st = Stats.of(latencies);
            table.row(n, "query-service POST /search (HTTP)", Table.f(st.percentile(50), 2), Table.f(st.percentile(95), 2),
                    Table.f(st.percentile(99), 2), Table.f(st.max(), 2), Table.f(Recall.mean(recalls), 4), segments, build);
        } catch (RuntimeException e) {
            table.row(n, "query-service POST /search (HTTP)", "failed", "", "", "", "", segments, build);
            table.note("HTTP at " + n + " chunks failed: " + e.getMessage());
            System.err.println("search over HTTP failed: " + e);
        }
    }

    /** PEP paragraphs as query texts: questions a reader might type, of 3-20 words. */
    static List<String> queryTexts(List<String> texts, int count) {
        Random random = new Random(5);
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            String[] words = texts.get(random.nextInt(texts.size())).split("\\s+");
            int len = 3 + random.nextInt(18);
            int from = words.length <= len ? 0 : random.nextInt(words.length - len);
            String q = String.join(" ", java.util.Arrays.copyOfRange(words, from, Math.min(words.length, from + len))).strip();
            if (!q.isEmpty()) {
                out.add(q);
            }
        }
        return out;
    }

    static List<String> sampleTexts() {
        List<String> out = new ArrayList<>();
        for (String content : PepStream.latestContents(PepStream.load()).values()) {
            for (String p : PepStream.paragraphs(content)) {
                if (p.length() > 200) {
                    out.add(p.length() > 1200 ? p.substring(0, 1200) : p);
                }
            }
        }
        return out;
    }

    /** Deterministic unit vectors around {@code centres}: the same inputs always give the same vectors. */
    static float[][] vectors(int n, float[][] centres, double noise, long seed) {
        Random random = new Random(seed * 31 + n);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] centre = centres[random.nextInt(centres.length)];
            float[] v = new float[centre.length];
            for (int d = 0; d < v.length; d++) {
                v[d] = centre[d] + (float) (noise * random.nextGaussian());
            }
            out[i] = normalize(v);
        }
        return out;
    }

    /** Random unit vectors (uniform on the sphere), for tests. */
    static float[][] randomCentres(int count, int dimension, long seed) {
        Random random = new Random(seed);
        float[][] c = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] v = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                v[d] = (float) random.nextGaussian();
            }
            c[i] = normalize(v);
        }
        return c;
    }

    /** A fixed sample of paragraphs, spread over the corpus. */
    static List<String> centreTexts(List<String> texts, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(texts.get((int) ((long) i * texts.size() / count)));
        }
        return out;
    }

    static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (v[d] / norm);
        }
        return v;
    }

    static String chunkId(int i) {
        return new UUID(0x5EA2C4L, i).toString();
    }

    private static List<Object> ids(List<SearchHit> hits, Map<String, Integer> idOf) {
        List<Object> out = new ArrayList<>(hits.size());
        for (SearchHit h : hits) {
            out.add(idOf.get(h.chunkId()));
        }
        return out;
    }

    private static List<Object> boxed(int[] ids) {
        List<Object> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(id);
        }
        return out;
    }

    private static String ensureIndex(Path dir, float[][] vectors, List<String> texts) throws IOException {
        Path done = dir.resolve("bench-complete");
        if (Files.exists(done)) {
            return "cached";
        }
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        DocumentPayload payload = new DocumentPayload(1, "synthetic", Map.of("source", "bench"));
        long now = System.currentTimeMillis();
        try (LuceneWriterIndex writer = LuceneWriterIndex.open(dir, FINGERPRINT, LuceneOptions.defaults())) {
            List<IndexPoint> batch = new ArrayList<>();
            for (int i = 0; i < vectors.length; i++) {
                String text = texts.get(i % texts.size());
                batch.add(new IndexPoint(TENANT, "doc-" + (i / 10), chunkId(i), i % 10, Integer.toHexString(text.hashCode()),
                        text, payload, vectors[i], now));
                if (batch.size() == 1000) {
                    writer.upsert(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                writer.upsert(batch);
            }
            writer.commit(SourceOffsets.NONE);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.writeString(done, "built in " + seconds + " s\n");
        return String.format(Locale.ROOT, "%.0f s (%.0f points/s)", seconds, vectors.length / seconds);
    }

    private static int segments(Path dir) throws IOException {
        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
            return r.leaves().size();
        }
    }
}
