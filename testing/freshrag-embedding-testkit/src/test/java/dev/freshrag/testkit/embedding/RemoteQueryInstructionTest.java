package dev.freshrag.testkit.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.remote.InstructedQueries;
import dev.freshrag.embedding.remote.RemoteEmbedder;
import dev.freshrag.embedding.remote.RemoteOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A model served by TEI that was trained with a query instruction (freshrag.embedding.remote.query-instruction): the
 * instruction goes in front of search queries, never in front of the passages being indexed. Against the TEI
 * protocol double, which runs the real model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteQueryInstructionTest {

    private static final String INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    private final TeiServerDouble server = new TeiServerDouble();
    private final Embedder plain = RemoteEmbedder.tei(RemoteOptions.of(server.url()));
    private final Embedder instructed = new InstructedQueries(RemoteEmbedder.tei(RemoteOptions.of(server.url())), INSTRUCTION);

    @Test
    void aQueryIsEmbeddedWithTheInstructionInFront() {
        String q = "how often does the ferry leave?";
        assertArrayEquals(plain.embed(INSTRUCTION + q), instructed.embedQuery(q), 1e-6f);
        assertTrue(dot(plain.embed(q), instructed.embedQuery(q)) < 0.999f, "the instruction changed the query's vector");
    }

    @Test
    void passagesAreEmbeddedAsTheyAre() {
        List<String> passages = List.of("The ferry leaves every forty minutes.", "Puffins nest in burrows.");
        float[][] a = plain.embed(passages);
        float[][] b = instructed.embed(passages);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 1e-6f);
        }
        assertArrayEquals(plain.embed(passages.get(0)), instructed.embed(passages.get(0)), 1e-6f);
    }

    @Test
    void withoutAnInstructionAQueryIsEmbeddedAsItIs() {
        String q = "where do puffins nest?";
        assertArrayEquals(plain.embed(q), plain.embedQuery(q), 1e-6f);
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @AfterAll
    void stop() {
        instructed.close();
        plain.close();
        server.close();
    }
}
