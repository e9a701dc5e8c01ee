package dev.freshrag.query.tenants;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a tenant configuration; the same rules for the PUT body and for records read from the topic. */
public final class TenantConfigValidator {

    public static final String ADAPTER_NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    public static final int MAX_SOURCE_CHARS = 1024;
    public static final Set<String> PLACEHOLDERS = Set.of("question", "passages");

    private static final Pattern ADAPTER_NAME = Pattern.compile(ADAPTER_NAME_PATTERN);
    /** {word}: a placeholder, known or a typo of one. Other braces (e.g. JSON examples) are left alone. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final int maxTopK;
    private final int maxTemplateChars;

    public TenantConfigValidator(int maxTopK, int maxTemplateChars) {
        this.maxTopK = maxTopK;
        this.maxTemplateChars = maxTemplateChars;
    }

    public List<Violation> validate(String tenant, TenantConfigBody body) {
        List<Violation> v = new ArrayList<>();
        DocumentChangeValidator.validateTenant(tenant).ifPresent(v::add);
        if (body == null) {
            v.add(new Violation("$", "a JSON object is required"));
            return v;
        }
        AdapterRef a = body.adapter();
        if (a != null) {
            if (a.name() == null || !ADAPTER_NAME.matcher(a.name()).matches()) {
                v.add(new Violation("adapter.name", "is required and must match " + ADAPTER_NAME_PATTERN));
            }
            if (a.source() == null || a.source().isBlank()) {
                v.add(new Violation("adapter.source", "is required: a path or URI the LLM server can load the adapter from"));
            } else if (a.source().length() > MAX_SOURCE_CHARS) {
                v.add(new Violation("adapter.source", "is " + a.source().length() + " characters, above the limit of " + MAX_SOURCE_CHARS));
            } else if (!a.source().equals(a.source().strip()) || a.source().chars().anyMatch(Character::isISOControl)) {
                v.add(new Violation("adapter.source", "must not contain control characters or leading/trailing whitespace"));
            }
        }
        String t = body.promptTemplate();
        if (t != null) {
            if (t.length() > maxTemplateChars) {
                v.add(new Violation("promptTemplate", "is " + t.length() + " characters, above the limit of " + maxTemplateChars));
            } else {
                v.addAll(validateTemplate("promptTemplate", t));
            }
        }
        if (body.topK() != null && (body.topK() < 1 || body.topK() > maxTopK)) {
            v.add(new Violation("topK", "must be between 1 and " + maxTopK + ", was " + body.topK()));
        }
        return v;
    }

    /** A template must hold {question} and {passages}, and no other {word} placeholder (a typo would stay in the prompt). */
    public static List<Violation> validateTemplate(String field, String template) {
        List<Violation> v = new ArrayList<>();
        if (template.isBlank()) {
            v.add(new Violation(field, "must not be blank"));
            return v;
        }
        Set<String> seen = new java.util.HashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (PLACEHOLDERS.contains(m.group(1))) {
                seen.add(m.group(1));
            } else {
                v.add(new Violation(field, "has the unknown placeholder {" + m.group(1) + "}; known: {question}, {passages}"));
            }
        }
        for (String p : List.of("question", "passages")) {
            if (!seen.contains(p)) {
                v.add(new Violation(field, "must contain the placeholder {" + p + "}"));
            }
        }
        return v;
    }
}
