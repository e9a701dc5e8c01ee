package dev.freshrag.query.console;

import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.SearchHit;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.util.List;
import java.util.Map;

/** The console's Qute templates (src/main/resources/templates/console), checked against these types at build time. */
@CheckedTemplate(basePath = "console")
final class ConsoleTemplates {

    private ConsoleTemplates() {
    }

    static native TemplateInstance page(java.util.Set<String> searchOptions);

    static native TemplateInstance overview(ConsoleOverview.View view);

    static native TemplateInstance documents(String prefix, List<DocumentRow> documents, int limit);

    static native TemplateInstance chunks(String docId, List<SearchHit> chunks);

    static native TemplateInstance hits(List<PlaygroundHit> hits, boolean consistent);

    static native TemplateInstance answer(PlaygroundAnswer answer);

    static native TemplateInstance problem(String title, String detail, List<FieldError> errors);

    static native TemplateInstance tenantConfig(TenantConfigForm form, Map<String, String> errors, String saved);

    static native TemplateInstance deadLetters(List<DeadLetterRow> letters, String reason, String tenantFilter);

    static native TemplateInstance replayed(long replayed, String what);

    /** A document as the Documents page lists it. */
    public record DocumentRow(String docId, String docIdParam, long version, int chunks, String indexedAt) {
        static DocumentRow of(DocumentStatus s) {
            return new DocumentRow(s.docId(), java.net.URLEncoder.encode(s.docId(), java.nio.charset.StandardCharsets.UTF_8),
                    s.version(), s.chunks(), java.time.Instant.ofEpochMilli(s.indexedAt()).toString());
        }
    }

    /** A search hit as the Playground shows it. */
    public record PlaygroundHit(int rank, String docId, long version, String chunkId, String score, String title, String text,
                                String metadata) {
    }

    /** An answer as the Playground shows it: the text cut at its [n] markers, so each links to its citation. */
    public record PlaygroundAnswer(List<AnswerPart> parts, List<PlaygroundCitation> citations, String generator, String model,
                                   String adapter, String fallback, boolean consistent) {
    }

    /** A run of answer text, or (n > 0) a citation marker. */
    public record AnswerPart(String text, int n) {
    }

    public record PlaygroundCitation(int n, String docId, long version, String chunkId, String title, String text) {
    }

    /** A validation error, by field (as the API names it). */
    public record FieldError(String field, String message) {
    }

    /** A dead letter as GET /v1/operator/dlq lists it (the record's value is never shown). */
    public record DeadLetterRow(int partition, long offset, String reason, String field, String stage, String source,
                                String tenant, String key, String timestamp) {
    }

    /** The tenant-configuration form's values. */
    public record TenantConfigForm(String tenant, String adapterName, String adapterSource, String promptTemplate, String topK,
                                   String updatedAt) {
    }
}
