package dev.freshrag.index;

import static dev.freshrag.index.VectorIndexBehaviour.chunk;
import static dev.freshrag.index.VectorIndexBehaviour.sha256;
import static dev.freshrag.index.VectorIndexBehaviour.vector;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do for lexical (BM25) search and for hybrid search (dense and lexical fused by
 * {@link RankFusion}), beside {@link VectorIndexBehaviour}: English analysis (stemming, stop words), rarer terms
 * weighing more, exact identifiers (whole and split), a document's title and docId matching each of its chunks (and
 * rewritten by a relabel), and the tenant and metadata filters on every branch. The expected orders are
 * exact, so two adapters that pass rank alike.
 */
public abstract class LexicalSearchBehaviour<I extends VectorIndexReader & VectorIndexWriter> {

    protected static final int DIMENSION = VectorIndexBehaviour.DIMENSION;
    protected static final IndexFingerprint FINGERPRINT = VectorIndexBehaviour.FINGERPRINT;
    private static final String A = VectorIndexBehaviour.TENANT_A;
    private static final String B = VectorIndexBehaviour.TENANT_B;

    private final List<I> opened = new ArrayList<>();

    /** A new, empty store with this fingerprint, open for writing and reading. */
    protected abstract I newIndex(IndexFingerprint fingerprint);

    @AfterEach
    void closeEverything() {
        opened.forEach(VectorIndexHandle::close);
        opened.clear();
    }

    private I open() {
        I index = newIndex(FINGERPRINT);
        opened.add(index);
        return index;
    }

    private static IndexPoint chunkOf(String tenant, String docId, String name, int seed, String text,
            Map<String, String> metadata) {
        return new IndexPoint(tenant, docId, chunk(name), 0, sha256(text), text,
                new DocumentPayload(1, "title of " + docId, metadata), vector(seed), 1_700_000_000_000L);
    }

    private static IndexPoint chunkOf(String docId, String name, int seed, String text) {
        return chunkOf(A, docId, name, seed, text, Map.of());
    }

    private static void commit(VectorIndexWriter index) {
        index.commit(SourceOffsets.NONE);
    }

    private static List<String> lexical(VectorIndexReader index, String tenant, String text,
            Map<String, String> filter) {
        return index.searchLexical(new LexicalQuery(tenant, text, 10, filter)).stream().map(SearchHit::docId).toList();
    }

    private static List<String> lexical(VectorIndexReader index, String text) {
        return lexical(index, A, text, Map.of());
    }

    /** A small corpus: refunds, shipping, and two chunks about Kafka. */
    private I corpus() {
        I index = open();
        index.upsert(List.of(
                chunkOf("refunds.md", "r", 1, "Refunds are paid within five days of the return."),
                chunkOf("shipping.md", "s", 2, "We ship parcels to every country in Europe."),
                chunkOf("kafka-retention.md", "k1", 3, "Kafka keeps records for the retention period of the topic."),
                chunkOf("kafka-basics.md", "k2", 4, "Kafka is a log. Kafka topics have partitions; Kafka brokers serve them.")));
        commit(index);
        return index;
    }

    @Test
    void findsChunksByTheirStemmedTermsAndIgnoresStopWords() {
        I index = corpus();

        assertThat(lexical(index, "refund")).containsExactly("refunds.md"); // refunds -> refund
        assertThat(lexical(index, "SHIPPING")).containsExactly("shipping.md"); // lower case, ship
        assertThat(lexical(index, "the of to")).isEmpty(); // stop words only
        assertThat(lexical(index, "zeppelin")).isEmpty();
    }

    @Test
    void rankByBm25RarerTermsFirstAndScoresArePositiveBestFirst() {
        I index = corpus();

        // "kafka" is in two chunks, "retention" in one: the chunk with both comes first
        List<SearchHit> hits = index.searchLexical(new LexicalQuery(A, "kafka retention", 10, Map.of()));
        assertThat(hits).extracting(SearchHit::docId).containsExactly("kafka-retention.md", "kafka-basics.md");
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(hits.get(1).score()).isPositive();
        // term frequency counts: three "kafka" in a chunk of similar length beat one
        assertThat(lexical(index, "kafka")).containsExactly("kafka-basics.md", "kafka-retention.md");
        assertThat(index.searchLexical(new LexicalQuery(A, "kafka", 1, Map.of()))).hasSize(1);
    }

    @Test
    void exactIdentifiersAreTermsOfTheirOwn() {
        I index = open();
        index.upsert(List.of(
                chunkOf("config.md", "c", 1, "Set FRESHRAG_INDEX_KIND=qdrant to use Qdrant."),
                chunkOf("other.md", "o", 2, "The index kind is chosen at start."),
                chunkOf("pep-8.md", "p8", 3, "PEP 8 is the style guide; use os.path.join for paths."),
                chunkOf("pep-20.md", "p20", 4, "PEP 20, the Zen of Python.")));
        commit(index);

        // the whole identifier is a rare term of its own, so it comes first; its parts ("index kind") still match
        assertThat(lexical(index, "FRESHRAG_INDEX_KIND")).containsExactly("config.md", "other.md");
        assertThat(lexical(index, "os.path.join")).containsExactly("pep-8.md");
        assertThat(lexical(index, "PEP 20").get(0)).isEqualTo("pep-20.md");
        // a text that spells only a part of the identifier is found by the identifier too
        assertThat(lexical(index, "os.path")).containsExactly("pep-8.md");
    }

    @Test
    void aDocumentsTitleAndIdFindEveryChunkOfItThoughTheTextNeverNamesThem() {
        I index = open();
        index.upsert(List.of(
                labelled("pep-0008", "Style Guide for Python Code", "s1", 1, "Use four spaces per indentation level."),
                labelled("pep-0008", "Style Guide for Python Code", "s2", 2, "Limit all lines to 79 characters."),
                labelled("pep-0020", "The Zen of Python", "z", 3, "Beautiful is better than ugly."),
                labelled("pep-0257", "Docstring Conventions", "d", 4, "Docstrings use triple quotes.")));
        commit(index);

        assertThat(lexical(index, "style guide")).containsExactlyInAnyOrder("pep-0008", "pep-0008");
        // the docId's number without its padding, and with it
        assertThat(lexical(index, "PEP 8").get(0)).isEqualTo("pep-0008");
        assertThat(lexical(index, "pep-0008").subList(0, 2)).containsExactly("pep-0008", "pep-0008");
        assertThat(lexical(index, "zen")).containsExactly("pep-0020");
    }

    @Test
    void aRelabelWithANewTitleRewritesTheLexicalTerms() {
        I index = open();
        index.upsert(List.of(labelled("pep-0008", "Style Guide for Python Code", "s1", 1,
                "Use four spaces per indentation level.")));
        commit(index);
        assertThat(lexical(index, "style")).containsExactly("pep-0008");

        index.updatePayload(A, "pep-0008", new DocumentPayload(2, "Code Layout Conventions", Map.of()),
                Map.of(chunk("s1"), 0));
        commit(index);

        assertThat(lexical(index, "style")).as("the old title's words").isEmpty();
        assertThat(index.searchLexical(new LexicalQuery(A, "layout", 10, Map.of()))).singleElement()
                .satisfies(h -> assertThat(h.version()).isEqualTo(2L));
        assertThat(lexical(index, "indentation")).as("the text's terms stay").containsExactly("pep-0008");
        // a relabel that drops the title keeps the docId's terms
        index.updatePayload(A, "pep-0008", new DocumentPayload(3, null, Map.of()), Map.of(chunk("s1"), 0));
        commit(index);
        assertThat(lexical(index, "layout")).isEmpty();
        assertThat(lexical(index, "PEP 8")).containsExactly("pep-0008");
    }

    @Test
    void aQueryOfThousandsOfDistinctWordsIsSearchedByItsFirstTerms() {
        I index = corpus();
        StringBuilder longQuery = new StringBuilder("refund");
        for (int i = 0; i < 3000; i++) {
            longQuery.append(' ').append(LexicalAnalysisTest.word(i));
        }
        assertThat(lexical(index, longQuery.toString())).containsExactly("refunds.md");
        assertThat(lexical(index, longQuery + " kafka")).as("past the first 256 terms").containsExactly("refunds.md");
    }

    private static IndexPoint labelled(String docId, String title, String name, int seed, String text) {
        return new IndexPoint(A, docId, chunk(name), 0, sha256(text), text, new DocumentPayload(1, title, Map.of()),
                vector(seed), 1_700_000_000_000L);
    }

    @Test
    void tenantAndMetadataFiltersApplyToLexicalSearch() {
        I index = open();
        index.upsert(List.of(
                chunkOf(A, "a-hr.md", "a1", 1, "Holiday policy for staff", Map.of("team", "hr")),
                chunkOf(A, "a-eng.md", "a2", 2, "Holiday rota for on-call engineers", Map.of("team", "eng")),
                chunkOf(B, "b-hr.md", "b1", 3, "Holiday policy for staff", Map.of("team", "hr"))));
        commit(index);

        assertThat(lexical(index, A, "holiday", Map.of())).containsExactlyInAnyOrder("a-hr.md", "a-eng.md");
        assertThat(lexical(index, A, "holiday", Map.of("team", "hr"))).containsExactly("a-hr.md");
        assertThat(lexical(index, B, "holiday", Map.of())).containsExactly("b-hr.md");
        assertThat(lexical(index, B, "holiday", Map.of("team", "eng"))).isEmpty();
        // a filter naming the tenant is metadata, it cannot reach another tenant
        assertThat(lexical(index, A, "holiday", Map.of("tenant", B))).isEmpty();
    }

    @Test
    void replacedRelabelledAndDeletedChunksAreSearchedAsTheyNowAre() {
        I index = corpus();
        index.upsert(List.of(chunkOf("refunds.md", "r", 1, "Credit notes replace cash.")));
        index.updatePayload(A, "shipping.md", new DocumentPayload(2, "Shipping", Map.of("lang", "en")),
                Map.of(chunk("s"), 0));
        index.deleteDocument(A, "kafka-basics.md");
        commit(index);

        assertThat(lexical(index, "paid")).isEmpty();
        assertThat(lexical(index, "credit")).containsExactly("refunds.md");
        List<SearchHit> shipping = index.searchLexical(new LexicalQuery(A, "parcels", 5, Map.of("lang", "en")));
        assertThat(shipping).extracting(SearchHit::version).containsExactly(2L);
        assertThat(lexical(index, "kafka")).containsExactly("kafka-retention.md");
    }

    @Test
    void hybridFindsAnExactTermTheDenseBranchRanksLowAndKeepsTheDenseBest() {
        I index = open();
        List<IndexPoint> points = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            points.add(chunkOf("doc-" + i + ".md", "d" + i, 100 + i, "Paragraph number " + i + " about nothing."));
        }
        points.add(chunkOf("errors.md", "e", 500, "Error E1042 means the disk is full."));
        index.upsert(points);
        commit(index);
        float[] query = vector(100); // dense: exactly doc-0; the error chunk is far from it

        Map<String, List<SearchHit>> branches = new LinkedHashMap<>();
        branches.put("dense", index.search(new SearchQuery(A, query, 10, Map.of())));
        branches.put("lexical", index.searchLexical(new LexicalQuery(A, "what is E1042", 10, Map.of())));
        List<RankFusion.FusedHit> fused = RankFusion.fuse(branches, RankFusion.DEFAULT_K, 5, 0);

        assertThat(branches.get("dense")).extracting(SearchHit::docId).doesNotContain("errors.md");
        assertThat(fused.get(0).hit().docId()).isEqualTo("doc-0.md");
        assertThat(fused.get(0).ranks()).isEqualTo(Map.of("dense", 1));
        RankFusion.FusedHit error = fused.stream().filter(f -> f.hit().docId().equals("errors.md")).findFirst()
                .orElseThrow();
        assertThat(error.ranks()).isEqualTo(Map.of("lexical", 1));
        assertThat(error.score()).isEqualTo(1.0 / 61);
    }

    @Test
    void hybridAppliesTheFiltersOnBothBranches() {
        I index = open();
        index.upsert(List.of(
                chunkOf(A, "hr.md", "h", 1, "Leave requests go to HR.", Map.of("team", "hr")),
                chunkOf(A, "eng.md", "e", 2, "Leave the build green.", Map.of("team", "eng")),
                chunkOf(B, "other.md", "o", 1, "Leave requests go to HR.", Map.of("team", "hr"))));
        commit(index);

        Map<String, List<SearchHit>> branches = new LinkedHashMap<>();
        branches.put("dense", index.search(new SearchQuery(A, vector(2), 10, Map.of("team", "hr"))));
        branches.put("lexical", index.searchLexical(new LexicalQuery(A, "leave", 10, Map.of("team", "hr"))));

        assertThat(RankFusion.fuse(branches, 60, 10, 0)).extracting(f -> f.hit().docId()).containsExactly("hr.md");
    }
}
