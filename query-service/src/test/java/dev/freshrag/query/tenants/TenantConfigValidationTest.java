package dev.freshrag.query.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantConfigValidationTest {

    private final TenantConfigValidator validator = new TenantConfigValidator(100, 8000);

    private static TenantConfigBody parse(String json) {
        return TenantConfigJson.readBody(json.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> fields(String tenant, String json) {
        return validator.validate(tenant, parse(json)).stream().map(Violation::field).toList();
    }

    @Test
    void aCompleteConfigurationIsValid() {
        TenantConfigBody b = parse("""
                {"adapter": {"name": "acme-support", "source": "/adapters/acme-v3"},
                 "promptTemplate": "Passages:\\n{passages}\\nQuestion: {question}", "topK": 5}""");
        assertThat(validator.validate("acme", b)).isEmpty();
        assertThat(b.adapter()).isEqualTo(new AdapterRef("acme-support", "/adapters/acme-v3"));
        assertThat(b.topK()).isEqualTo(5);
        assertThat(validator.validate("acme", parse("{}"))).isEmpty();
    }

    @Test
    void badValuesAreNamed() {
        assertThat(fields("acme", "{\"adapter\": {\"name\": \"bad name!\", \"source\": \"/a\"}}")).containsExactly("adapter.name");
        assertThat(fields("acme", "{\"adapter\": {\"name\": \"ok\"}}")).containsExactly("adapter.source");
        assertThat(fields("acme", "{\"adapter\": {\"name\": \"ok\", \"source\": \" /a\"}}")).containsExactly("adapter.source");
        assertThat(fields("acme", "{\"topK\": 0}")).containsExactly("topK");
        assertThat(fields("acme", "{\"topK\": 101}")).containsExactly("topK");
        assertThat(fields("Not_A_Tenant", "{}")).containsExactly("tenant");
        assertThat(fields("acme", "{\"promptTemplate\": \"no placeholders\"}")).containsExactly("promptTemplate", "promptTemplate");
        assertThat(validator.validate("acme", parse("{\"promptTemplate\": \"{passages} {question} {Question}\"}")))
                .extracting(Violation::message).containsExactly("has the unknown placeholder {Question}; known: {question}, {passages}");
        assertThat(fields("acme", "{\"promptTemplate\": \"" + "x".repeat(8001) + "\"}")).containsExactly("promptTemplate");
    }

    @Test
    void otherBracesInATemplateAreFine() {
        assertThat(validator.validate("acme", parse("{\"promptTemplate\": \"Reply as {\\\"a\\\": 1} or { x }. {passages} {question}\"}")))
                .isEmpty();
    }

    @Test
    void unknownFieldsAndWrongTypesAreRefused() {
        assertThatThrownBy(() -> parse("{\"topk\": 5}")).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.violations().get(0).field()).isEqualTo("topk"));
        assertThatThrownBy(() -> parse("{\"topK\": \"5\"}")).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.violations().get(0).field()).isEqualTo("topK"));
        assertThatThrownBy(() -> parse("{\"adapter\": \"acme\"}")).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.violations().get(0).field()).isEqualTo("adapter"));
        assertThatThrownBy(() -> parse("{\"topK\": 5")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> parse("null")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void storedValuesRoundTrip() {
        TenantConfig c = new TenantConfig("acme", new AdapterRef("a", "/x"), "{passages}{question}", 3, "2026-11-29T00:00:00Z");
        assertThat(TenantConfigJson.readStored(TenantConfigJson.write(c))).isEqualTo(c);
    }
}
