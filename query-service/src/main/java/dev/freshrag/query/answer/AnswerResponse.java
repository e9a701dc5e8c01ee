package dev.freshrag.query.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.freshrag.query.llm.TokenUsage;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer, and the body of the final {@code done} event of a stream.
 *
 * @param citations  the passages given to the generator, numbered as in the prompt and the answer's markers
 * @param generator  {@code llm} or {@code extractive}: what actually produced {@code answer}
 * @param model      the LLM's base model ({@code freshrag.llm.model}); null for extractive answers
 * @param adapter    the LoRA adapter the request was routed to (its served name), or null
 * @param fallback   why something other than the intended generator, model or adapter produced the answer, or null
 * @param consistent false when consistentWith was given and the index did not reflect every token in time
 * @param usage      token counts as the LLM server reported them; null when it did not, and for extractive answers
 * @param generation the index generation retrieved from ({@code g<N>}): every citation comes from it, and the
 *                   question was embedded with its model
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AnswerResponse(String answer, List<Citation> citations, String generator, String model, String adapter,
                             String fallback, boolean consistent, TokenUsage usage,
                             @Schema(description = "the index generation retrieved from (g<N>): every citation comes from "
                                     + "it and the question was embedded with its model")
                             String generation) {

    public static final String LLM = "llm";
    public static final String EXTRACTIVE = "extractive";

    /** A passage given to the generator; {@code n} is its number in the prompt ([n] in the answer). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Citation(int n, String docId, long version, String chunkId, String title, String text) {
    }
}
