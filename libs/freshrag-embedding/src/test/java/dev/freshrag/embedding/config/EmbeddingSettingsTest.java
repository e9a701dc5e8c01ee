package dev.freshrag.embedding.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.EmbeddingBackend;
import dev.freshrag.embedding.remote.RemoteOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.tokenizer.EmbeddingModel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings as the services' SmallRye Config reads them: the documented spellings, and a clear refusal. */
class EmbeddingSettingsTest {

    @ConfigMapping(prefix = "freshrag")
    interface Root {
        EmbeddingSettings embedding();
    }

    private static EmbeddingSettings settings(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .withMapping(Root.class)
                .build()
                .getConfigMapping(Root.class).embedding();
    }

    @Test
    void defaultsAreTheReferenceModelWhereverItRuns() {
        EmbeddingSettings s = settings(Map.of());
        assertEquals(ModelVariant.FP32, s.variant());
        assertEquals(ExecutionTarget.AUTO, s.target());
        // unset, the model is the one a new index gets (a service next to an existing index adopts its model)
        assertTrue(s.model().isEmpty());
        assertEquals(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5), EmbedderStartup.options(s));
    }

    @Test
    void theDocumentedLowerCaseValuesAndUpperCaseParse() {
        assertEquals(ModelVariant.INT8, settings(Map.of("freshrag.embedding.variant", "int8")).variant());
        assertEquals(ModelVariant.FP32, settings(Map.of("freshrag.embedding.variant", "FP32")).variant());
        assertEquals(ExecutionTarget.CPU, settings(Map.of("freshrag.embedding.target", "cpu")).target());
        assertEquals(ExecutionTarget.CUDA, settings(Map.of("freshrag.embedding.target", "cuda")).target());
        assertEquals(ExecutionTarget.AUTO, settings(Map.of("freshrag.embedding.target", "Auto")).target());
    }

    @Test
    void everySettingReachesTheOptions() {
        EmbedderOptions o = EmbedderStartup.options(settings(Map.of("freshrag.embedding.variant", "int8",
                "freshrag.embedding.target", "cpu", "freshrag.embedding.max-batch-size", "8",
                "freshrag.embedding.intra-op-threads", "2")));
        assertEquals(new EmbedderOptions(ModelVariant.INT8, EmbedderOptions.DEFAULT_MAX_LENGTH, 8, 2, ExecutionTarget.CPU)
                .withModel(EmbeddingModel.BGE_SMALL_EN_V1_5), o);
    }

    @Test
    void aWrongValueFailsNamingTheKeyAndTheAllowedValues() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> settings(Map.of("freshrag.embedding.variant", "fp16")));
        String message = e.getMessage();
        assertTrue(message.contains("freshrag.embedding.variant") && message.contains("fp16")
                && message.contains("fp32") && message.contains("int8"), message);
    }

    @Test
    void theModelIsReadByItsOwnNameAndSetsItsLength() {
        assertEquals(java.util.Optional.of(EmbeddingModel.ALL_MINILM_L6_V2),
                settings(Map.of("freshrag.embedding.model", "all-minilm-l6-v2")).model());
        EmbedderOptions bge = EmbedderStartup.options(settings(Map.of("freshrag.embedding.model", "bge-small-en-v1.5",
                "freshrag.embedding.variant", "int8")));
        assertEquals(EmbeddingModel.BGE_SMALL_EN_V1_5, bge.model());
        assertEquals(512, bge.maxLength());
        assertEquals("bge-small-en-v1.5-q", bge.modelId());
        assertEquals("/bge-small-en-v1.5-q.onnx", bge.modelResource());
        assertEquals("bge-small-en-v1.5", EmbedderStartup.options(settings(Map.of())).modelId());
        assertEquals("all-minilm-l6-v2", EmbedderStartup.options(settings(Map.of("freshrag.embedding.model", "all-minilm-l6-v2"))).modelId());
    }

    @Test
    void anUnknownModelFailsNamingTheKeyAndTheAllowedValues() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> settings(Map.of("freshrag.embedding.model", "bge-base-en-v1.5")));
        String message = e.getMessage();
        assertTrue(message.contains("freshrag.embedding.model") && message.contains("bge-base-en-v1.5")
                && message.contains("all-minilm-l6-v2, bge-small-en-v1.5"), message);
    }

    @Test
    void cudaDefaultsAreTheDocumentedOnes() {
        assertEquals(dev.freshrag.embedding.CudaOptions.defaults(), EmbedderStartup.options(settings(Map.of())).cuda());
    }

    @Test
    void everyCudaSettingReachesTheOptions() {
        EmbedderOptions o = EmbedderStartup.options(settings(Map.of("freshrag.embedding.cuda.device-id", "1",
                "freshrag.embedding.cuda.gpu-mem-limit", "2147483648",
                "freshrag.embedding.cuda.cudnn-conv-algo-search", "heuristic",
                "freshrag.embedding.cuda.arena-extend-strategy", "next-power-of-two",
                "freshrag.embedding.cuda.batch-tokens", "8192", "freshrag.embedding.cuda.max-batch-size", "128",
                "freshrag.embedding.cuda.bucket-width", "16", "freshrag.embedding.cuda.warm-up", "false")));
        assertEquals(new dev.freshrag.embedding.CudaOptions(1, java.util.OptionalLong.of(2147483648L),
                dev.freshrag.embedding.CudaOptions.ConvAlgoSearch.HEURISTIC,
                dev.freshrag.embedding.CudaOptions.ArenaExtendStrategy.NEXT_POWER_OF_TWO, 8192, 128, 16, false), o.cuda());
        // the CPU settings stay as they were
        assertEquals(EmbedderOptions.DEFAULT_MAX_BATCH_SIZE, o.maxBatchSize());
    }

    @Test
    void aWrongCudaValueFailsNamingTheKey() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> settings(Map.of("freshrag.embedding.cuda.cudnn-conv-algo-search", "fastest")));
        assertTrue(e.getMessage().contains("freshrag.embedding.cuda.cudnn-conv-algo-search"), e.getMessage());
    }

    @Test
    void theBackendIsOnnxUnlessTold() {
        assertEquals(EmbeddingBackend.ONNX, settings(Map.of()).backend());
        assertEquals(EmbeddingBackend.TEI, settings(Map.of("freshrag.embedding.backend", "tei")).backend());
        assertEquals(EmbeddingBackend.OPENAI, settings(Map.of("freshrag.embedding.backend", "openai")).backend());
    }

    @Test
    void everyRemoteSettingReachesTheRemoteOptions() {
        RemoteOptions o = EmbedderStartup.remoteOptions(settings(Map.of("freshrag.embedding.backend", "openai",
                "freshrag.embedding.remote.url", "http://vllm:8000", "freshrag.embedding.remote.model", "bge-small",
                "freshrag.embedding.remote.api-key", "secret", "freshrag.embedding.remote.dimension", "384",
                "freshrag.embedding.remote.timeout", "PT5S", "freshrag.embedding.remote.max-concurrency", "2",
                "freshrag.embedding.remote.batch-tokens", "1000", "freshrag.embedding.remote.max-batch-size", "16",
                "freshrag.embedding.remote.attempts", "5")));
        assertEquals(new RemoteOptions(URI.create("http://vllm:8000"), Optional.of("bge-small"), Optional.of("secret"),
                Duration.ofSeconds(5), 2, 1000, 16, 5, Duration.ofMillis(200), OptionalInt.of(384)), o);
    }

    @Test
    void aQueryInstructionIsReadOnlyWhenSet() {
        assertTrue(settings(Map.of()).remote().queryInstruction().isEmpty());
        assertEquals(java.util.Optional.of("Represent this sentence for searching relevant passages: "),
                settings(Map.of("freshrag.embedding.remote.query-instruction",
                        "Represent this sentence for searching relevant passages: ")).remote().queryInstruction());
    }

    @Test
    void remoteDefaultsAreDocumentedOnes() {
        RemoteOptions o = EmbedderStartup.remoteOptions(settings(Map.of("freshrag.embedding.remote.url", "http://tei:8080")));
        assertEquals(RemoteOptions.of(URI.create("http://tei:8080")), o);
    }

    @Test
    void aRemoteBackendWithoutUrlFailsNamingTheKey() {
        EmbeddingSettings s = settings(Map.of("freshrag.embedding.backend", "tei"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedderStartup.start(s));
        assertTrue(e.getMessage().contains("freshrag.embedding.remote.url"), e.getMessage());
    }

    @Test
    void openAiWithoutModelFailsNamingTheKey() {
        EmbeddingSettings s = settings(Map.of("freshrag.embedding.backend", "openai",
                "freshrag.embedding.remote.url", "http://127.0.0.1:9"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedderStartup.start(s));
        assertTrue(e.getMessage().contains("freshrag.embedding.remote.model"), e.getMessage());
    }
}
