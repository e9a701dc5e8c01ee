package dev.freshrag.query.answer;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import dev.freshrag.query.config.QueryConfig;
import dev.freshrag.query.tenants.TenantConfigValidator;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Builds prompt building and the extractive generator from {@code freshrag.answer.*}; bad settings fail the start. */
@ApplicationScoped
public class AnswerProducer {

    private static final Logger LOG = Logger.getLogger(AnswerProducer.class);

    @Produces
    @Singleton
    @Startup
    AnswerComponents components(QueryConfig config, Embedder embedder) {
        QueryConfig.Answer a = config.answer();
        PromptTokenCounter.Kind kind = a.tokenCounter();
        PromptTokenCounter counter;
        Embedder actual = ClientProxy.unwrap(embedder);
        if (kind == PromptTokenCounter.Kind.EMBEDDER && actual instanceof OnnxEmbedder onnx) {
            counter = PromptTokenCounter.wordPiece(onnx.tokenizer());
        } else {
            if (kind == PromptTokenCounter.Kind.EMBEDDER) {
                LOG.warn("freshrag.answer.token-counter=embedder but the embedder has no tokenizer; counting characters");
                kind = PromptTokenCounter.Kind.CHARS;
            }
            counter = PromptTokenCounter.chars(a.charsPerToken());
        }
        String template = a.promptTemplate().filter(t -> !t.isBlank()).orElse(PromptBuilder.DEFAULT_TEMPLATE);
        List<Violation> v = TenantConfigValidator.validateTemplate("freshrag.answer.prompt-template", template);
        if (!v.isEmpty()) {
            throw new IllegalArgumentException(new InvalidEventException(v).getMessage());
        }
        LOG.infof("prompts: budget %d tokens counted by %s", a.promptTokenBudget(), kind.name().toLowerCase(Locale.ROOT));
        return new AnswerComponents(new PromptBuilder(counter, a.promptTokenBudget()),
                new ExtractiveGenerator(embedder, a.extractiveMaxSentences()), template,
                a.onLlmFailure() == LlmFailurePolicy.EXTRACTIVE);
    }
}
