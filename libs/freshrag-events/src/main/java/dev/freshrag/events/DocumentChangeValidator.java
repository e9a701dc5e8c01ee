package dev.freshrag.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a parsed event against the contract and the configured {@link Limits}. */
public final class DocumentChangeValidator {

    private static final Pattern TENANT = Pattern.compile(Limits.TENANT_PATTERN);

    private final Limits limits;

    public DocumentChangeValidator(Limits limits) {
        this.limits = limits;
    }

    public List<Violation> validate(DocumentChange e) {
        List<Violation> v = new ArrayList<>();
        validateTenant(e.tenant()).ifPresent(v::add);
        validateDocId(e.docId()).ifPresent(v::add);
        if (e.op() == null) {
            v.add(new Violation("op", "is required: UPSERT or DELETE"));
        }
        if (e.version() != null && e.version() <= 0) {
            v.add(new Violation("version", "must be a positive integer, was " + e.version()));
        }
        if (ContentType.parse(e.contentType()).isEmpty()) {
            v.add(new Violation("contentType", "must be text/plain, text/markdown or text/html, was '" + e.contentType() + "'"));
        }
        if (e.op() == Op.UPSERT && e.content() == null) {
            v.add(new Violation("content", "is required for UPSERT"));
        }
        if (e.content() != null) {
            // UTF-8 length without allocating a copy of up to several megabytes
            long bytes = utf8Length(e.content());
            if (bytes > limits.maxContentBytes()) {
                v.add(new Violation("content", "is " + bytes + " bytes, above the limit of " + limits.maxContentBytes()));
            }
        }
        if (e.title() != null && e.title().length() > limits.maxTitleChars()) {
            v.add(new Violation("title", "is " + e.title().length() + " characters, above the limit of " + limits.maxTitleChars()));
        }
        validateMetadata(e.metadata(), v);
        return v;
    }

    public void requireValid(DocumentChange e) {
        List<Violation> v = validate(e);
        if (!v.isEmpty()) {
            throw new InvalidEventException(v);
        }
    }

    private void validateMetadata(Map<String, String> metadata, List<Violation> v) {
        if (metadata.size() > limits.maxMetadataEntries()) {
            v.add(new Violation("metadata", "has " + metadata.size() + " entries, above the limit of " + limits.maxMetadataEntries()));
            return;
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            if (key.isEmpty() || key.length() > limits.maxMetadataKeyChars()) {
                v.add(new Violation("metadata", "key must be 1-" + limits.maxMetadataKeyChars() + " characters"));
            }
            if (entry.getValue() == null) {
                v.add(new Violation("metadata." + key, "must be a string, was null"));
            } else if (entry.getValue().length() > limits.maxMetadataValueChars()) {
                v.add(new Violation("metadata." + key, "is " + entry.getValue().length() + " characters, above the limit of " + limits.maxMetadataValueChars()));
            }
        }
    }

    public static java.util.Optional<Violation> validateTenant(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            return java.util.Optional.of(new Violation("tenant", "must match " + Limits.TENANT_PATTERN));
        }
        return java.util.Optional.empty();
    }

    public static java.util.Optional<Violation> validateDocId(String docId) {
        if (docId == null || docId.isEmpty()) {
            return java.util.Optional.of(new Violation("docId", "is required, 1-" + Limits.MAX_DOC_ID_CHARS + " printable characters"));
        }
        if (docId.codePointCount(0, docId.length()) > Limits.MAX_DOC_ID_CHARS) {
            return java.util.Optional.of(new Violation("docId", "is longer than " + Limits.MAX_DOC_ID_CHARS + " characters"));
        }
        boolean printable = docId.codePoints().allMatch(cp -> !Character.isISOControl(cp)
                && Character.getType(cp) != Character.UNASSIGNED
                && Character.getType(cp) != Character.SURROGATE
                && Character.getType(cp) != Character.LINE_SEPARATOR
                && Character.getType(cp) != Character.PARAGRAPH_SEPARATOR);
        if (!printable) {
            return java.util.Optional.of(new Violation("docId", "must hold printable characters only"));
        }
        return java.util.Optional.empty();
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
