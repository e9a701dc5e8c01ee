package dev.freshrag.testkit.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.EmbedderUnavailableException;
import dev.freshrag.embedding.EmbeddingRejectedException;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.embedding.remote.RemoteEmbedder;
import dev.freshrag.embedding.remote.RemoteOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * How the remote backends meet a failing or misconfigured server: transient faults retried until they pass (nothing
 * lost), retries that run out surface as {@link EmbedderUnavailableException} (transient, for the caller's retry),
 * input errors as {@link EmbeddingRejectedException} (deterministic), and the start check refuses a server that
 * serves another model or dimension.
 */
@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
class RemoteEmbedderFaultsTest {

    private static TeiServerDouble tei;
    private static OpenAiEmbeddingsServerDouble openAi;
    private static OnnxEmbedder reference;

    @BeforeAll
    static void start() {
        tei = new TeiServerDouble();
        openAi = new OpenAiEmbeddingsServerDouble();
        reference = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
    }

    @AfterAll
    static void stop() {
        tei.close();
        openAi.close();
        reference.close();
    }

    private static List<String> texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(EmbedderContract.prose(5 + (i * 13) % 120, i));
        }
        return texts;
    }

    /** Enough tries, starting at 100 ms and doubling, to outlast an outage of about 2 s. */
    private static RemoteOptions patient(URI url) {
        return RemoteOptions.of(url).withBatching(400, 8, 2).withRetries(8, Duration.ofMillis(100));
    }

    @Test
    void aTeiServerFailingFor2sIsRetriedAndEveryVectorArrives() {
        try (RemoteEmbedder embedder = RemoteEmbedder.tei(patient(tei.url()))) {
            List<String> texts = texts(60);
            int servedBefore = tei.requestsServed();
            int failedBefore = tei.requestsFailed();
            tei.failFor(Duration.ofSeconds(2), EmbeddingServerDouble.Outage.UNAVAILABLE_503);

            float[][] vectors = embedder.embed(texts);

            assertTrue(tei.requestsFailed() > failedBefore, "the outage failed no request");
            assertTrue(tei.requestsServed() - servedBefore >= 2, "one call, several requests");
            EmbedderContract.assertSameVectors(reference.embed(texts), vectors);
        }
    }

    @Test
    void closedConnectionsAreRetriedLikeA503() {
        try (RemoteEmbedder embedder = RemoteEmbedder.openAi(patient(openAi.url())
                .withModel(OpenAiEmbeddingsServerDouble.MODEL_NAME))) {
            List<String> texts = texts(30);
            int failedBefore = openAi.requestsFailed();
            openAi.failFor(Duration.ofSeconds(1), EmbeddingServerDouble.Outage.CLOSE_CONNECTION);

            float[][] vectors = embedder.embed(texts);

            assertTrue(openAi.requestsFailed() > failedBefore, "the outage failed no request");
            EmbedderContract.assertSameVectors(reference.embed(texts), vectors);
        }
    }

    @Test
    void overloadIsRetriedAfterTheServersRetryAfter() {
        try (RemoteEmbedder embedder = RemoteEmbedder.tei(RemoteOptions.of(tei.url()).withRetries(3, Duration.ofMillis(1)))) {
            tei.failFor(Duration.ofMillis(500), EmbeddingServerDouble.Outage.OVERLOADED_429);
            long start = System.nanoTime();

            float[] v = embedder.embed("overloaded for a moment");

            // two 1 ms backoffs could not outlast 500 ms; waiting the 1 s Retry-After did
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(900).toNanos(), "did not wait for Retry-After");
            EmbedderContract.assertSameVectors(new float[][] {reference.embed("overloaded for a moment")}, new float[][] {v});
        }
    }

    @Test
    void whenTriesRunOutTheFaultIsTransientNotAnInputError() {
        try (RemoteEmbedder embedder = RemoteEmbedder.tei(RemoteOptions.of(tei.url()).withRetries(2, Duration.ofMillis(10)))) {
            tei.failFor(Duration.ofSeconds(30), EmbeddingServerDouble.Outage.UNAVAILABLE_503);
            try {
                EmbedderUnavailableException e = assertThrows(EmbedderUnavailableException.class,
                        () -> embedder.embed(texts(3)));
                assertTrue(e.getMessage().contains("503") && e.getMessage().contains("Model is not ready"), e.getMessage());
            } finally {
                tei.recover();
            }
        }
    }

    @Test
    void aServerThatIsDownAtStartFailsTheStartSayingWhere() {
        URI nothing = URI.create("http://127.0.0.1:9");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RemoteEmbedder.tei(RemoteOptions.of(nothing).withRetries(1, Duration.ofMillis(1))));
        assertTrue(e.getMessage().contains("http://127.0.0.1:9"), e.getMessage());
    }

    @Test
    void anInputTheServerRefusesIsRejectedWithoutRetrying() {
        try (RemoteEmbedder embedder = RemoteEmbedder.openAi(patient(openAi.url())
                .withModel(OpenAiEmbeddingsServerDouble.MODEL_NAME))) {
            int rejectedBefore = openAi.requestsRejected();

            EmbeddingRejectedException e = assertThrows(EmbeddingRejectedException.class,
                    () -> embedder.embed(EmbedderContract.prose(400, 1)));

            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("maximum context length is 256 tokens"), e.getMessage());
            assertEquals(1, openAi.requestsRejected() - rejectedBefore, "an input error was retried");
        }
    }

    @Test
    void theTeiDoubleEnforcesTeisLimitsWithTeisErrors() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        StringBuilder tooMany = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < TeiServerDouble.MAX_CLIENT_BATCH_SIZE + 1; i++) {
            tooMany.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        tooMany.append("]}");
        String tooLong = "{\"inputs\":\"" + EmbedderContract.prose(300, 2) + "\"}";

        HttpResponse<String> batch = http.send(post(tei.url(), "/embed", tooMany.toString()), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> length = http.send(post(tei.url(), "/embed", tooLong), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> empty = http.send(post(tei.url(), "/embed", "{\"inputs\":[]}"), HttpResponse.BodyHandlers.ofString());

        assertEquals(413, batch.statusCode());
        assertEquals("{\"error\":\"batch size 33 > maximum allowed batch size 32\",\"error_type\":\"Validation\"}", batch.body());
        assertEquals(413, length.statusCode());
        assertTrue(length.body().contains("must have less than 256 tokens"), length.body());
        assertEquals(400, empty.statusCode());
    }

    @Test
    void requestsStayWithinTheBatchAndConcurrencyBounds() {
        try (TeiServerDouble own = new TeiServerDouble();
             RemoteEmbedder embedder = RemoteEmbedder.tei(RemoteOptions.of(own.url()).withBatching(100_000, 64, 2))) {
            embedder.embed(texts(200));

            // 64 asked, but the server's max_client_batch_size (from /info) caps requests at 32
            assertEquals(TeiServerDouble.MAX_CLIENT_BATCH_SIZE, own.largestBatch());
            assertTrue(own.maxConcurrentRequests() <= 2, "concurrent requests: " + own.maxConcurrentRequests());
            assertEquals(200 + 1, own.textsEmbedded(), "every text once, plus the start probe");
        }
    }

    @Test
    void theStartCheckRefusesAnotherModel() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RemoteEmbedder.tei(RemoteOptions.of(tei.url()).withModel("BAAI/bge-small-en-v1.5")));
        assertTrue(e.getMessage().contains("BAAI/bge-small-en-v1.5") && e.getMessage().contains(TeiServerDouble.MODEL_ID),
                e.getMessage());

        IllegalStateException o = assertThrows(IllegalStateException.class, () -> RemoteEmbedder.openAi(
                RemoteOptions.of(openAi.url()).withModel("bge-small").withRetries(1, Duration.ofMillis(1))));
        assertTrue(o.getMessage().contains("404") && o.getMessage().contains("bge-small"), o.getMessage());
    }

    @Test
    void theStartCheckRefusesAnotherDimension() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RemoteEmbedder.tei(RemoteOptions.of(tei.url()).withExpectedDimension(768)));
        assertTrue(e.getMessage().contains("768") && e.getMessage().contains("384"), e.getMessage());
    }

    @Test
    void theApiKeyIsSentAsBearer() {
        try (OpenAiEmbeddingsServerDouble locked = new OpenAiEmbeddingsServerDouble()) {
            locked.requireApiKey("s3cret");
            RemoteOptions options = RemoteOptions.of(locked.url()).withModel(OpenAiEmbeddingsServerDouble.MODEL_NAME)
                    .withRetries(1, Duration.ofMillis(1));

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RemoteEmbedder.openAi(options));
            assertTrue(refused.getMessage().contains("401"), refused.getMessage());
            try (RemoteEmbedder embedder = RemoteEmbedder.openAi(options.withApiKey("s3cret"))) {
                assertEquals(384, embedder.embed("let me in").length);
            }
        }
    }

    @Test
    void planKeepsOrderAndTheTokenBudget() {
        try (RemoteEmbedder embedder = RemoteEmbedder.tei(RemoteOptions.of(tei.url()).withBatching(50, 32, 1))) {
            List<String> texts = List.of("a".repeat(60), "b".repeat(60), "c".repeat(200), "d", "e");
            // 22 + 22 estimated tokens fit 50; 69 is alone over budget; then 3 + 3
            List<int[]> plan = embedder.plan(texts);
            assertEquals(List.of("0-2", "2-3", "3-5"), plan.stream().map(r -> r[0] + "-" + r[1]).toList());
        }
    }

    private static HttpRequest post(URI base, String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }
}
