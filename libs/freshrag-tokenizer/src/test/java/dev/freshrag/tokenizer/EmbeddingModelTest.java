package dev.freshrag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmbeddingModelTest {

    private static final String TEXT = "FRESHRAG_INDEX_KIND selects the index; os.path.join() joins paths (PEP 8, E1042).";

    @Test
    void configNamesAreTheIssuesNamesCaseInsensitive() {
        assertEquals(EmbeddingModel.ALL_MINILM_L6_V2, EmbeddingModel.fromConfigName("all-minilm-l6-v2"));
        assertEquals(EmbeddingModel.BGE_SMALL_EN_V1_5, EmbeddingModel.fromConfigName(" BGE-small-en-v1.5 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModel.fromConfigName("bge-small"));
        assertTrue(e.getMessage().contains("all-minilm-l6-v2, bge-small-en-v1.5"), e.getMessage());
    }

    @Test
    void bgeTokenizerFilesShipWithThisModuleAndTokenizeLikeMiniLm() {
        // the same uncased WordPiece vocabulary: a chunk counted with one has the same length in the other
        for (boolean quantized : new boolean[] {false, true}) {
            try (ModelTokenizer bge = ModelTokenizer.load(EmbeddingModel.BGE_SMALL_EN_V1_5.tokenizerResource(quantized), 512);
                 ModelTokenizer minilm = ModelTokenizer.load(EmbeddingModel.ALL_MINILM_L6_V2.tokenizerResource(quantized), 256)) {
                assertArrayEquals(minilm.encode(TEXT).inputIds(), bge.encode(TEXT).inputIds());
                assertEquals(minilm.countTokens(TEXT), bge.countTokens(TEXT));
            }
        }
    }

    @Test
    void bgeEncodesUpTo512TokensNot128() {
        try (ModelTokenizer bge = ModelTokenizer.load(EmbeddingModel.BGE_SMALL_EN_V1_5.tokenizerResource(false),
                EmbeddingModel.BGE_SMALL_EN_V1_5.maxLength())) {
            TokenizedText encoded = bge.encode("word ".repeat(1000));
            assertEquals(512, encoded.length());
            assertEquals(101, encoded.inputIds()[0]);
            assertEquals(102, encoded.inputIds()[511]);
            assertEquals(1002, bge.countTokens("word ".repeat(1000)));
        }
    }

    @Test
    void onlyBgeHasAQueryInstruction() {
        assertEquals("", EmbeddingModel.ALL_MINILM_L6_V2.queryInstruction());
        assertEquals("Represent this sentence for searching relevant passages: ",
                EmbeddingModel.BGE_SMALL_EN_V1_5.queryInstruction());
    }
}
