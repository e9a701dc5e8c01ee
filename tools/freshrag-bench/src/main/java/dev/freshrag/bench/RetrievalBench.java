package dev.freshrag.bench;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.RankFusion;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.tokenizer.EmbeddingModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Retrieval quality and search latency per mode (dense, lexical, hybrid), in process, on the real index adapter
 * (LuceneWriterIndex: HNSW + BM25), the real embedder and the query-service's fusion ({@link RankFusion}, k = 5,
 * 50 candidates per branch).
 *
 * <p>Quality: the newest version of every PEP of the shared stream, cut into chunks of whole paragraphs up to
 * {@code --chunk-chars} characters, one tenant; the labelled questions of {@code retrieval/pep-questions.tsv}
 * (each names the document that answers it and a phrase of its newest version, checked here before anything runs).
 * A question's rank is the position of the first chunk of its document among the top 10 chunks: hit@1, hit@5,
 * MRR@10 and nDCG@10 (one relevant document: 1 / log2(1 + rank)).
 *
 * <p>Latency: {@code --latency-chunks} points (100k) whose texts are those chunks again and whose vectors are the
 * chunks' real vectors plus noise (as SearchBench draws them), queried with the questions' texts and vectors.
 */
public final class RetrievalBench {

    static final String TENANT = "peps";

    /** The query-service's default k ({@code freshrag.search.rrf-k}), so that a run without --rrf-k measures it. */
    static final int SERVICE_RRF_K = 5;

    /** The set of the questions that come before any {@code # set:} line of the file (runs 1 to 5). */
    static final String FIRST_SET = "runs 1-5";

    /**
     * One labelled question; {@code set} names the batch it was added in (a {@code # set: <name>} line of the file
     * starts one), so that the figures of an older, unchanged batch stay comparable between runs.
     */
    record Question(String set, String kind, String docId, String evidence, String text) {
    }

    record Chunk(String docId, String title, String text) {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        EmbeddingModel model = EmbeddingModel.fromConfigName(args.get("model", EmbeddingModel.ALL_MINILM_L6_V2.configName()));
        ModelVariant variant = ModelVariant.valueOf(args.get("variant", "fp32").toUpperCase(Locale.ROOT));
        EmbedderOptions options = EmbedderOptions.defaults().withModel(model).withVariant(variant).withTarget(ExecutionTarget.CPU);
        String modelId = options.modelId();
        int chunkChars = args.getInt("chunk-chars", 1000);
        int latencyChunks = args.getInt("latency-chunks", 100_000);
        int rounds = args.getInt("rounds", 5);
        int candidates = args.getInt("candidates", 50);
        int rrfK = args.getInt("rrf-k", SERVICE_RRF_K);
        boolean perQuestion = args.has("per-question");
        Path dir = Path.of(args.get("dir", "target/bench-retrieval"));
        Machine.printHeader("retrieval: quality and latency per search mode", "./freshrag bench retrieval " + String.join(" ", argv));

        List<Question> questions = questions();
        Map<String, String> latest = new LinkedHashMap<>();
        Map<String, String> titles = new LinkedHashMap<>();
        for (PepStream.Event e : PepStream.load()) {
            latest.put(e.docId(), e.content());
            titles.put(e.docId(), e.json().path("title").asText());
        }
        for (Question q : questions) { // the labels are checked against the data, not trusted
            String content = latest.get(q.docId());
            if (content == null || !content.toLowerCase(Locale.ROOT).contains(q.evidence().toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException("label not supported by the newest " + q.docId() + ": " + q);
            }
        }
        List<Chunk> chunks = new ArrayList<>();
        latest.forEach((docId, content) -> chunk(content, chunkChars).forEach(t -> chunks.add(new Chunk(docId, titles.get(docId), t))));
        List<String> groups = groups(questions);
        Map<String, Long> kinds = new LinkedHashMap<>();
        questions.forEach(q -> kinds.merge(q.kind(), 1L, Long::sum));
        System.out.printf(Locale.ROOT, "- corpus: %d documents (newest versions), %d chunks of whole paragraphs up to %d characters, one tenant;"
                + " %d questions (%s), model %s %s; fusion: RRF k=%d over %d candidates per branch%n",
                latest.size(), chunks.size(), chunkChars, questions.size(), kinds.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey()).collect(java.util.stream.Collectors.joining(", ")),
                modelId, variant, rrfK, candidates);

        IndexFingerprint fingerprint = new IndexFingerprint(modelId, ModelVariant.DIMENSION);
        try (Embedder embedder = OnnxEmbedder.load(options)) {
            long t0 = System.nanoTime();
            // the chunk vectors of one model, corpus and chunking are the same in every run: kept between runs
            Path cache = dir.resolve("vectors-" + modelId + "-" + chunkChars + "-" + chunks.size() + ".bin");
            float[][] vectors = VectorCache.read(cache, chunks.size(), ModelVariant.DIMENSION);
            if (vectors == null) {
                vectors = embedder.embed(chunks.stream().map(Chunk::text).toList());
                VectorCache.write(cache, vectors);
                System.out.printf(Locale.ROOT, "- embedded %d chunks in %.0f s (kept in %s)%n", chunks.size(),
                        (System.nanoTime() - t0) / 1e9, cache);
            } else {
                System.out.printf(Locale.ROOT, "- %d chunk vectors read from %s (embedded by an earlier run)%n", chunks.size(), cache);
            }
            // as the query-service embeds a query: with the model's query instruction (bge), one at a time
            float[][] queryVectors = new float[questions.size()][];
            for (int i = 0; i < questions.size(); i++) {
                queryVectors[i] = embedder.embedQuery(questions.get(i).text());
            }

            Table quality = new Table("retrieval quality (" + modelId + " " + variant + ")", "mode", "questions",
                    "hit@1", "hit@5", "MRR@10", "nDCG@10");
            try (LuceneWriterIndex index = fresh(dir.resolve("quality"), fingerprint)) {
                write(index, chunks, vectors, 1);
                for (String mode : List.of("dense", "lexical", "hybrid")) {
                    List<Integer> all = new ArrayList<>();
                    for (int i = 0; i < questions.size(); i++) {
                        Question q = questions.get(i);
                        all.add(rankOf(search(index, mode, q.text(), queryVectors[i], 10, candidates, rrfK), q.docId()));
                    }
                    for (String group : groups) {
                        List<Integer> ranks = new ArrayList<>();
                        for (int i = 0; i < questions.size(); i++) {
                            if (inGroup(questions.get(i), group)) {
                                ranks.add(all.get(i));
                            }
                        }
                        quality.row(mode, group + " (" + ranks.size() + ")", Table.f(hitAt(ranks, 1), 3), Table.f(hitAt(ranks, 5), 3),
                                Table.f(mrr(ranks), 3), Table.f(ndcg(ranks), 3));
                    }
                }
            }
            quality.note("all = every question; \"set X\" = the questions added in X (the runs 1-5 set is unchanged, so its rows"
                    + " compare with earlier runs); a kind = its questions of every set");
            quality.print(System.out);
            if (perQuestion) {
                printPerQuestion(dir.resolve("quality"), fingerprint, questions, queryVectors, candidates, rrfK);
            }
            if (latencyChunks <= 0) {
                return;
            }

            Table latency = new Table("search latency in process at " + latencyChunks + " chunks", "mode", "queries", "p50 ms",
                    "p99 ms", "max ms");
            try (LuceneWriterIndex index = fresh(dir.resolve("latency"), fingerprint)) {
                float[][] noisy = SearchBench.vectors(latencyChunks, vectors, 0.05, 7);
                long b0 = System.nanoTime();
                List<Chunk> cycled = new ArrayList<>(latencyChunks);
                for (int i = 0; i < latencyChunks; i++) {
                    Chunk c = chunks.get(i % chunks.size());
                    cycled.add(new Chunk(c.docId() + "#" + (i / chunks.size()), c.title(), c.text()));
                }
                write(index, cycled, noisy, 1000);
                System.out.printf(Locale.ROOT, "- latency index: %d points written in %.0f s%n", latencyChunks, (System.nanoTime() - b0) / 1e9);
                for (String mode : List.of("dense", "lexical", "hybrid")) {
                    List<Double> ms = new ArrayList<>();
                    for (int r = 0; r < rounds + 1; r++) {
                        for (int i = 0; i < questions.size(); i++) {
                            long s = System.nanoTime();
                            search(index, mode, questions.get(i).text(), queryVectors[i], 10, candidates, rrfK);
                            if (r > 0) { // the first round warms up
                                ms.add((System.nanoTime() - s) / 1e6);
                            }
                        }
                    }
                    Stats st = Stats.of(ms);
                    latency.row(mode, ms.size(), Table.f(st.percentile(50), 2), Table.f(st.percentile(99), 2), Table.f(st.max(), 2));
                }
            }
            latency.note("query embedding excluded (the same for dense and hybrid); hybrid runs both branches one after the other, then fuses");
            latency.print(System.out);
        }
    }

    /**
     * {@code --per-question}: each identifier question's rank per mode and the document each mode put first, and the
     * same for the semantic questions some mode misses at rank 1, to see why a mode misses (the quality index is reopened as it was written).
     */
    private static void printPerQuestion(Path indexDir, IndexFingerprint fingerprint, List<Question> questions,
            float[][] queryVectors, int candidates, int rrfK) {
        Table t = new Table("identifier questions, rank of the answering document (0 = not in the top 10) and the first document",
                "question", "answer", "dense", "lexical", "hybrid", "dense first", "lexical first", "hybrid first");
        Table others = new Table("other questions that some mode does not answer first (same columns, and the kind)",
                "question", "kind", "answer", "dense", "lexical", "hybrid", "dense first", "lexical first", "hybrid first");
        try (LuceneWriterIndex index = LuceneWriterIndex.open(indexDir, fingerprint, LuceneOptions.defaults())) {
            for (int i = 0; i < questions.size(); i++) {
                Question q = questions.get(i);
                List<Object> row = new ArrayList<>(List.of(q.text(), q.docId()));
                List<String> firsts = new ArrayList<>();
                boolean allFirst = true;
                for (String mode : List.of("dense", "lexical", "hybrid")) {
                    List<RankFusion.FusedHit> hits = search(index, mode, q.text(), queryVectors[i], 10, candidates, rrfK);
                    int rank = rankOf(hits, q.docId());
                    allFirst &= rank == 1;
                    row.add(rank);
                    firsts.add(hits.isEmpty() ? "-" : hits.get(0).hit().docId());
                }
                row.addAll(firsts);
                if (q.kind().equals("identifier")) {
                    t.row(row.toArray());
                } else if (!allFirst) {
                    row.add(1, q.kind());
                    others.row(row.toArray());
                }
            }
        }
        t.print(System.out);
        others.print(System.out);
    }

    /** The search the query-service runs for a mode (Retriever): one or both branches, fused by reciprocal rank. */
    static List<RankFusion.FusedHit> search(LuceneWriterIndex index, String mode, String text, float[] vector, int k,
            int candidates, int rrfK) {
        int depth = mode.equals("hybrid") ? Math.max(k, candidates) : k;
        Map<String, List<SearchHit>> branches = new LinkedHashMap<>();
        if (!mode.equals("lexical")) {
            branches.put("dense", index.search(new SearchQuery(TENANT, vector, depth, Map.of())));
        }
        if (!mode.equals("dense")) {
            branches.put("lexical", index.searchLexical(new LexicalQuery(TENANT, text, depth, Map.of())));
        }
        return RankFusion.fuse(branches, rrfK, k, 0);
    }

    /** 1-based position of the first chunk of {@code docId}, or 0 when absent. */
    static int rankOf(List<RankFusion.FusedHit> hits, String docId) {
        for (int i = 0; i < hits.size(); i++) {
            if (hits.get(i).hit().docId().equals(docId)) {
                return i + 1;
            }
        }
        return 0;
    }

    static double hitAt(List<Integer> ranks, int n) {
        return ranks.stream().filter(r -> r > 0 && r <= n).count() / (double) ranks.size();
    }

    static double mrr(List<Integer> ranks) {
        return ranks.stream().mapToDouble(r -> r > 0 && r <= 10 ? 1.0 / r : 0).average().orElse(0);
    }

    static double ndcg(List<Integer> ranks) {
        return ranks.stream().mapToDouble(r -> r > 0 && r <= 10 ? 1 / (Math.log(1 + r) / Math.log(2)) : 0).average().orElse(0);
    }

    /** Whole paragraphs packed up to {@code maxChars}; a longer paragraph stays whole (the embedder truncates it). */
    static List<String> chunk(String content, int maxChars) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String p : PepStream.paragraphs(content)) {
            if (current.length() > 0 && current.length() + 2 + p.length() > maxChars) {
                out.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append("\n\n");
            }
            current.append(p);
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    /** The rows of the quality table: all questions, each set (when there are several), each kind. */
    static List<String> groups(List<Question> questions) {
        List<String> groups = new ArrayList<>(List.of("all"));
        List<String> sets = questions.stream().map(Question::set).distinct().toList();
        if (sets.size() > 1) {
            sets.forEach(set -> groups.add("set " + set));
        }
        questions.stream().map(Question::kind).distinct().forEach(groups::add);
        return groups;
    }

    static boolean inGroup(Question q, String group) {
        return group.equals("all") || group.equals("set " + q.set()) || group.equals(q.kind());
    }

    static List<Question> questions() throws IOException {
        List<Question> out = new ArrayList<>();
        String set = FIRST_SET;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                RetrievalBench.class.getResourceAsStream("/retrieval/pep-questions.tsv")), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("# set:")) {
                    set = line.substring("# set:".length()).strip();
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new Question(set, f[0], f[1], f[2], f[3]));
            }
        }
        return out;
    }

    private static LuceneWriterIndex fresh(Path dir, IndexFingerprint fingerprint) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults());
    }

    private static void write(LuceneWriterIndex index, List<Chunk> chunks, float[][] vectors, int batch) {
        long now = System.currentTimeMillis();
        List<IndexPoint> points = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            points.add(new IndexPoint(TENANT, c.docId(), UUID.nameUUIDFromBytes((c.docId() + "/" + i).getBytes(StandardCharsets.UTF_8)).toString(),
                    i, Integer.toHexString(c.text().hashCode()), c.text(), new DocumentPayload(1, c.title(), Map.of()), vectors[i], now));
            if (points.size() >= Math.max(batch, 1000)) {
                index.upsert(points);
                points.clear();
            }
        }
        if (!points.isEmpty()) {
            index.upsert(points);
        }
        index.commit(SourceOffsets.NONE);
    }
}
