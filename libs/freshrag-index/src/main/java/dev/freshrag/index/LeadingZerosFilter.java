package dev.freshrag.index;

import java.io.IOException;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Drops the leading zeros of an all-digit token ({@code 0008} becomes {@code 8}; {@code 0} stays): identifiers pad
 * numbers (a docId {@code pep-0008}, a ticket {@code 00042}) that people write without the padding.
 */
final class LeadingZerosFilter extends TokenFilter {

    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

    LeadingZerosFilter(TokenStream in) {
        super(in);
    }

    @Override
    public boolean incrementToken() throws IOException {
        if (!input.incrementToken()) {
            return false;
        }
        int length = term.length();
        char[] buffer = term.buffer();
        int zeros = 0;
        for (int i = 0; i < length; i++) {
            char c = buffer[i];
            if (c < '0' || c > '9') {
                return true; // not all digits: as it is
            }
            if (c == '0' && zeros == i) {
                zeros++;
            }
        }
        if (zeros > 0) {
            int keep = zeros == length ? 1 : length - zeros;
            System.arraycopy(buffer, length - keep, buffer, 0, keep);
            term.setLength(keep);
        }
        return true;
    }
}
