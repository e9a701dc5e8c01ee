package dev.freshrag.tokenizer;

/**
 * One text as the model sees it: already truncated to the model's max length, never padded
 * (the embedder pads each micro-batch only as far as its own longest member).
 *
 * @param inputIds      WordPiece ids, [CLS] first and [SEP] last
 * @param attentionMask 1 for every token (there is no padding yet)
 * @param tokenTypeIds  segment ids, all 0 for a single sentence
 */
public record TokenizedText(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {

    public TokenizedText {
        if (attentionMask.length != inputIds.length || tokenTypeIds.length != inputIds.length) {
            throw new IllegalArgumentException("ids, mask and type ids differ in length");
        }
    }

    public int length() {
        return inputIds.length;
    }
}
