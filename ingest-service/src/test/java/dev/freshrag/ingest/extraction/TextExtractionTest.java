package dev.freshrag.ingest.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.ContentType;
import dev.freshrag.http.ProblemException;
import dev.freshrag.testkit.documents.ZipDocumentBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tika on real files: the fixtures in src/test/resources/documents were written by PDFBox and POI (the generator is
 * MakeFixtures.java.txt beside them), each with one distinctive sentence; the ODT and EPUB files are written at test time
 * by {@link ZipDocumentBuilder}.
 */
class TextExtractionTest {

    private TextExtraction extraction = new TextExtraction(config(16 << 20, 1 << 20, Duration.ofSeconds(30)));

    @AfterEach
    void stop() {
        extraction.stop();
    }

    static ExtractionConfig config(int maxBytes, int maxChars, Duration timeout) {
        return new ExtractionConfig() {
            public int maxBytes() {
                return maxBytes;
            }

            public int maxChars() {
                return maxChars;
            }

            public Duration timeout() {
                return timeout;
            }

            public int threads() {
                return 1;
            }
        };
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = TextExtractionTest.class.getResourceAsStream("/documents/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void aPdfYieldsItsTextAndTitle() throws IOException {
        ExtractedText text = extraction.extract(fixture("pelicans.pdf"), DocumentFormat.PDF);
        assertThat(text.content()).contains("Pelicans in the PDF fixture migrate to the salt marshes every October.");
        assertThat(text.contentType()).isEqualTo(ContentType.TEXT_PLAIN);
        assertThat(text.title()).isEqualTo("Pelican handbook");
    }

    @Test
    void officeDocumentsYieldTheirText() throws IOException {
        assertThat(extraction.extract(fixture("otters.docx"), DocumentFormat.DOCX).content())
                .contains("Otters in the Word fixture juggle pebbles before breakfast.");
        assertThat(extraction.extract(fixture("otters.docx"), DocumentFormat.DOCX).title()).isEqualTo("Otter memo");
        assertThat(extraction.extract(fixture("walrus.pptx"), DocumentFormat.PPTX).content())
                .contains("Walruses in the slide fixture sing sea shanties at dusk.");
        assertThat(extraction.extract(fixture("herons.rtf"), DocumentFormat.RTF).content())
                .contains("Herons in the RTF fixture fish by moonlight.");
    }

    @Test
    void anOdtYieldsItsText() {
        ExtractedText text = extraction.extract(ZipDocumentBuilder.odt("Puffins in the ODT fixture nest in abandoned rabbit burrows."),
                DocumentFormat.ODT);
        assertThat(text.content()).contains("Puffins in the ODT fixture nest in abandoned rabbit burrows.");
        assertThat(text.contentType()).isEqualTo(ContentType.TEXT_PLAIN);
    }

    @Test
    void anEpubYieldsItsChapterText() {
        ExtractedText text = extraction.extract(ZipDocumentBuilder.epub("Cormorant almanac",
                "Cormorants in the EPUB fixture dry their wings on the harbour wall."), DocumentFormat.EPUB);
        assertThat(text.content()).contains("Cormorants in the EPUB fixture dry their wings on the harbour wall.");
        assertThat(text.contentType()).isEqualTo(ContentType.TEXT_PLAIN);
    }

    @Test
    void aCorruptOdtIsA422NamingWhy() {
        // a well-formed package whose content.xml is not XML: the ODF parser itself must fail, not the zip reader
        byte[] corrupt = ZipDocumentBuilder.odtWithContent("<office:document-content <<< not xml at all");
        assertThatThrownBy(() -> extraction.extract(corrupt, DocumentFormat.ODT))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().type()).isEqualTo("https://freshrag.dev/problems/unprocessable-document");
                    assertThat(e.problem().detail()).startsWith("body: could not be read as application/vnd.oasis.opendocument.text: ")
                            .contains("SAXException");
                });
    }

    @Test
    void textFormatsPassThroughWithTheirOwnContentType() {
        ExtractedText md = extraction.extract("# Title\n\nSome *text*.".getBytes(StandardCharsets.UTF_8), DocumentFormat.MARKDOWN);
        assertThat(md.content()).isEqualTo("# Title\n\nSome *text*.");
        assertThat(md.contentType()).isEqualTo(ContentType.TEXT_MARKDOWN);
        assertThat(extraction.extract("<p>x</p>".getBytes(StandardCharsets.UTF_8), DocumentFormat.HTML).contentType())
                .isEqualTo(ContentType.TEXT_HTML);
    }

    @Test
    void aFileThatIsNotWhatItClaimsIsA422NamingWhy() throws IOException {
        assertThatThrownBy(() -> extraction.extract("this is not a PDF at all".getBytes(StandardCharsets.UTF_8), DocumentFormat.PDF))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().type()).isEqualTo("https://freshrag.dev/problems/unprocessable-document");
                    assertThat(e.problem().detail()).startsWith("body: could not be read as application/pdf: ");
                });
        // a Word file sent as a PDF fails in the PDF parser: the declared type decides
        assertThatThrownBy(() -> extraction.extract(fixture("otters.docx"), DocumentFormat.PDF))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(422));
        assertThatThrownBy(() -> extraction.extract(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'}, DocumentFormat.PLAIN))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().detail()).contains("not valid UTF-8"));
    }

    @Test
    void sizeAndTimeAreBounded() throws IOException {
        byte[] pdf = fixture("pelicans.pdf");
        extraction.stop();
        extraction = new TextExtraction(config(100, 1 << 20, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> extraction.extract(pdf, DocumentFormat.PDF))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(413);
                    assertThat(e.problem().detail()).contains("above the limit of 100 bytes");
                });
        extraction.stop();
        extraction = new TextExtraction(config(16 << 20, 20, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> extraction.extract(pdf, DocumentFormat.PDF))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(413);
                    assertThat(e.problem().detail()).contains("more than 20 characters");
                });
        extraction.stop();
        // a parse that never ends: the timeout's path, deterministically (a zero timeout was not: on a loaded machine the
        // pool's thread sometimes finished the small PDF before the caller asked for it, and no time-out came)
        extraction = new TextExtraction(config(16 << 20, 1 << 20, Duration.ofMillis(200)), new HangingParserDouble());
        assertThatThrownBy(() -> extraction.extract(pdf, DocumentFormat.PDF))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().detail()).contains("took longer than PT0.2S");
                });
    }
}
