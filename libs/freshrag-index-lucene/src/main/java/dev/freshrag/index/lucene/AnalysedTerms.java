package dev.freshrag.index.lucene;

import dev.freshrag.index.LexicalAnalysis;
import java.util.Iterator;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The terms {@link LexicalAnalysis} made of a chunk's text, replayed as a token stream for the lexical field. A
 * stream of the shared analyzer itself cannot be used: it is reused per thread, so the fields of a batch's documents
 * (built before the writer consumes any) would share one stream. The field's length is the number of terms, the same
 * length the Qdrant adapter's sparse values are normalised with.
 */
final class AnalysedTerms extends TokenStream {

    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final List<String> terms;
    private Iterator<String> next;

    AnalysedTerms(String text) {
        this.terms = LexicalAnalysis.terms(text);
    }

    @Override
    public void reset() throws java.io.IOException {
        super.reset();
        next = terms.iterator();
    }

    @Override
    public boolean incrementToken() {
        if (!next.hasNext()) {
            return false;
        }
        clearAttributes();
        term.setEmpty().append(next.next());
        return true;
    }
}
