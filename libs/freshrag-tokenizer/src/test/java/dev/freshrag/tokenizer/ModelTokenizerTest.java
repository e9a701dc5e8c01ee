package dev.freshrag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** This module's test classpath holds no model jar: every load here reads the tokenizer files this module ships. */
class ModelTokenizerTest {

    // BERT uncased vocab ids
    private static final long CLS = 101;
    private static final long SEP = 102;

    private static ModelTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void countsSpecialTokens() {
        // [CLS] hello world [SEP]
        assertEquals(4, tokenizer.countTokens("hello world"));
        // [CLS] the quick brown fox jumps over the lazy dog . [SEP]: lower-cased, all whole words in the vocab,
        // the full stop is split off as its own token
        assertEquals(12, tokenizer.countTokens("The quick brown fox jumps over the lazy dog."));
        // only [CLS] [SEP]
        assertEquals(2, tokenizer.countTokens(""));
    }

    @Test
    void countsLongTextWithoutTruncation() {
        // "word" is a single vocab token: 1000 of them plus [CLS] and [SEP]
        String longText = "word ".repeat(1000);

        assertEquals(1002, tokenizer.countTokens(longText));
    }

    @Test
    void encodingIsTruncatedAtMaxLengthNot128AndKeepsSep() {
        TokenizedText encoded = tokenizer.encode("word ".repeat(1000));

        assertEquals(256, encoded.length());
        assertEquals(CLS, encoded.inputIds()[0]);
        assertEquals(SEP, encoded.inputIds()[255]);
    }

    @Test
    void encodingIsNotPadded() {
        // the bundled tokenizer.json pads to 128; we must not
        TokenizedText encoded = tokenizer.encode("hello world");

        assertEquals(4, encoded.length());
        assertArrayEquals(new long[] {1, 1, 1, 1}, encoded.attentionMask());
        assertArrayEquals(new long[] {0, 0, 0, 0}, encoded.tokenTypeIds());
        assertEquals(CLS, encoded.inputIds()[0]);
        assertEquals(SEP, encoded.inputIds()[3]);
    }

    @Test
    void batchEncodingKeepsOrderAndOwnLengths() {
        TokenizedText[] encoded = tokenizer.encode(List.of("word ".repeat(300), "hello world", ""));

        assertEquals(256, encoded[0].length());
        assertEquals(4, encoded[1].length());
        assertEquals(2, encoded[2].length());
        assertArrayEquals(tokenizer.encode("hello world").inputIds(), encoded[1].inputIds());
    }

    @Test
    void honoursOtherMaxLength() {
        try (ModelTokenizer short64 = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, 64)) {
            assertEquals(64, short64.encode("word ".repeat(100)).length());
            assertEquals(102, short64.countTokens("word ".repeat(100)));
        }
    }

    @Test
    void theInt8FileTokenizesLikeTheFp32One() {
        String text = "Employees get 25 days of paid leave per year; unused days carry over.";
        try (ModelTokenizer int8 = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2_Q, TokenizerFiles.DEFAULT_MAX_LENGTH)) {
            assertArrayEquals(tokenizer.encode(text).inputIds(), int8.encode(text).inputIds());
            assertEquals(tokenizer.countTokens(text), int8.countTokens(text));
        }
    }

    @Test
    void refusesAMaxLengthWithoutRoomForTheSpecialTokens() {
        assertThrows(IllegalArgumentException.class, () -> ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, 1));
    }

    @Test
    void aMissingFileIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ModelTokenizer.load("/no-such-tokenizer.json", TokenizerFiles.DEFAULT_MAX_LENGTH));
        assertTrue(e.getMessage().contains("/no-such-tokenizer.json"), e.getMessage());
    }
}
