package dev.freshrag.testkit.documents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the smallest valid ODT and EPUB files holding one sentence, at test time with java.util.zip, so no binary
 * fixture needs review. Both formats are zip packages whose first entry is an uncompressed {@code mimetype}. Shared by
 * the ingest-service's extraction tests and the end-to-end folder sync tests.
 */
public final class ZipDocumentBuilder {

    private ZipDocumentBuilder() {
    }

    /** An OpenDocument text whose one paragraph is {@code sentence}. */
    public static byte[] odt(String sentence) {
        return odtWithContent("""
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
                    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
                  <office:body><office:text><text:p>%s</text:p></office:text></office:body>
                </office:document-content>
                """.formatted(sentence));
    }

    /** An ODT package whose content.xml is {@code contentXml} as given (a corrupt one when it is not XML). */
    public static byte[] odtWithContent(String contentXml) {
        return zip("application/vnd.oasis.opendocument.text",
                "META-INF/manifest.xml", """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
                          <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
                          <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
                        </manifest:manifest>
                        """,
                "content.xml", contentXml);
    }

    /** An EPUB 3 book with one XHTML chapter whose one paragraph is {@code sentence}. */
    public static byte[] epub(String title, String sentence) {
        return zip("application/epub+zip",
                "META-INF/container.xml", """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
                          <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
                        </container>
                        """,
                "OEBPS/content.opf", """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
                          <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                            <dc:identifier id="id">urn:freshrag:fixture</dc:identifier>
                            <dc:title>%s</dc:title>
                            <dc:language>en</dc:language>
                          </metadata>
                          <manifest><item id="ch1" href="chapter1.xhtml" media-type="application/xhtml+xml"/></manifest>
                          <spine><itemref idref="ch1"/></spine>
                        </package>
                        """.formatted(title),
                "OEBPS/chapter1.xhtml", """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>%s</title></head>
                        <body><h1>%s</h1><p>%s</p></body></html>
                        """.formatted(title, title, sentence));
    }

    /** A zip whose first entry is the STORED {@code mimetype} (as both formats require), then name/content pairs. */
    private static byte[] zip(String mimetype, String... entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            byte[] type = mimetype.getBytes(StandardCharsets.US_ASCII);
            ZipEntry first = new ZipEntry("mimetype");
            first.setMethod(ZipEntry.STORED);
            first.setSize(type.length);
            CRC32 crc = new CRC32();
            crc.update(type);
            first.setCrc(crc.getValue());
            zip.putNextEntry(first);
            zip.write(type);
            zip.closeEntry();
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i]));
                zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
