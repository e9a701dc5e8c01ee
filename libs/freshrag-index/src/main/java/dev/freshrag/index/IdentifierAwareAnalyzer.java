package dev.freshrag.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * {@link EnglishAnalyzer}'s chain (standard tokenizer, possessives, lower case, English stop words, Porter stemming)
 * with identifiers kept whole <em>and</em> split: {@code functools.partial} gives {@code functools.partial},
 * {@code functools} and {@code partial}; {@code PyGILState_Ensure} gives the whole name and {@code py}, {@code gil},
 * {@code state}, {@code ensure}. A query that names an identifier then matches it exactly (the whole term is rare,
 * so it weighs most) and still matches a text that only spells its parts, and the reverse. Numbers lose their leading
 * zeros ({@link LeadingZerosFilter}), so the docId {@code pep-0008} and the words "PEP 8" share the term {@code 8}.
 */
final class IdentifierAwareAnalyzer extends Analyzer {

    /** Split at '.', '_', case changes and letter-digit changes; keep the original token too; no catenation. */
    private static final int SPLITS = WordDelimiterGraphFilter.PRESERVE_ORIGINAL
            | WordDelimiterGraphFilter.GENERATE_WORD_PARTS
            | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
            | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE
            | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        // before lower-casing: case changes are split points
        TokenStream result = new WordDelimiterGraphFilter(source, SPLITS, null);
        result = new LeadingZerosFilter(result);
        result = new EnglishPossessiveFilter(result);
        result = new LowerCaseFilter(result);
        result = new StopFilter(result, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        result = new PorterStemFilter(result);
        return new TokenStreamComponents(source, result);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
    }
}
