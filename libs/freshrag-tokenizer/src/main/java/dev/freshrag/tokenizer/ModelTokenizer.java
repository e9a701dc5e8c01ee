package dev.freshrag.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * The model's WordPiece tokenizer, loaded from a tokenizer.json on the classpath (see {@link TokenizerFiles}: this
 * module carries the files itself, so a service that only counts tokens needs neither the model nor ONNX Runtime).
 * Thread-safe.
 *
 * <p>Holds two native tokenizers built from the same file, because counting and encoding need different
 * truncation: {@link #countTokens} must report the true length of a text (so a chunker can tell how much would
 * be cut), while {@link #encode} must cut at {@code maxLength}. Both ignore the file's own settings
 * (truncate and pad to 128), which would otherwise silently shorten every text.
 */
public final class ModelTokenizer implements TokenCounter, AutoCloseable {

    private final HuggingFaceTokenizer truncating;
    private final HuggingFaceTokenizer counting;
    private final int maxLength;

    private ModelTokenizer(HuggingFaceTokenizer truncating, HuggingFaceTokenizer counting, int maxLength) {
        this.truncating = truncating;
        this.counting = counting;
        this.maxLength = maxLength;
    }

    /**
     * Loads the tokenizer.json at the absolute classpath name {@code resource} (one of {@link TokenizerFiles}),
     * truncating {@link #encode} at {@code maxLength} tokens. Nothing is downloaded.
     */
    public static ModelTokenizer load(String resource, int maxLength) {
        Objects.requireNonNull(resource, "resource");
        // 2 = room for [CLS] and [SEP]; below that every encoding would lose one of them
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, was " + maxLength);
        }
        DjlOfflineSetup.apply();
        HuggingFaceTokenizer truncating = open(resource, Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "maxLength", Integer.toString(maxLength),
                "padding", "false"));
        try {
            HuggingFaceTokenizer counting = open(resource, Map.of(
                    "addSpecialTokens", "true",
                    "truncation", "false",
                    "padding", "false"));
            return new ModelTokenizer(truncating, counting, maxLength);
        } catch (RuntimeException e) {
            truncating.close();
            throw e;
        }
    }

    private static HuggingFaceTokenizer open(String resource, Map<String, String> settings) {
        try (InputStream in = ModelTokenizer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Tokenizer resource " + resource
                        + " not on the classpath (is freshrag-tokenizer built, with its tokenizer files unpacked?)");
            }
            return HuggingFaceTokenizer.newInstance(in, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer resource " + resource, e);
        }
    }

    /** Most tokens {@link #encode} returns per text, [CLS] and [SEP] included. */
    public int maxLength() {
        return maxLength;
    }

    /** Exact token count of the whole text, [CLS] and [SEP] included, no truncation. */
    @Override
    public int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        return counting.encode(text).getIds().length;
    }

    /** The text as model input, truncated to {@link #maxLength()} tokens, unpadded. */
    public TokenizedText encode(String text) {
        Objects.requireNonNull(text, "text");
        return toTokenized(truncating.encode(text));
    }

    /** Same as {@link #encode(String)} for each text, in input order; one native call for the lot. */
    public TokenizedText[] encode(List<String> texts) {
        for (String text : texts) {
            Objects.requireNonNull(text, "texts contains null");
        }
        if (texts.isEmpty()) {
            return new TokenizedText[0];
        }
        Encoding[] encodings = truncating.batchEncode(texts);
        TokenizedText[] result = new TokenizedText[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            result[i] = toTokenized(encodings[i]);
        }
        return result;
    }

    private static TokenizedText toTokenized(Encoding encoding) {
        return new TokenizedText(encoding.getIds(), encoding.getAttentionMask(), encoding.getTypeIds());
    }

    @Override
    public void close() {
        truncating.close();
        counting.close();
    }
}
