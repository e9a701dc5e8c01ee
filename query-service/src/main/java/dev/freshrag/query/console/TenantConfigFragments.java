package dev.freshrag.query.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import dev.freshrag.http.ProblemException;
import dev.freshrag.query.tenants.TenantConfig;
import dev.freshrag.query.tenants.TenantConfigResource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Tenant configuration (admin key): the form, and saving it through the admin API's own resource, so the same
 * validation decides; each violation is shown next to the field it names.
 */
@Path("/v1/admin/tenants/{tenant}/console")
@Tag(name = "console")
public class TenantConfigFragments {

    private final TenantConfigResource resource;
    private final ObjectMapper json;

    public TenantConfigFragments(TenantConfigResource resource, ObjectMapper json) {
        this.resource = resource;
        this.json = json;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: the tenant's configuration form (HTML fragment; admin key)")
    public Response form(@PathParam("tenant") String tenant) {
        TenantConfig current = null;
        try {
            current = resource.get(tenant);
        } catch (ProblemException e) {
            if (e.problem().status() != 404) {
                return PlaygroundFragments.problem(e);
            }
        }
        ConsoleTemplates.TenantConfigForm form = current == null
                ? new ConsoleTemplates.TenantConfigForm(tenant, "", "", "", "", "")
                : new ConsoleTemplates.TenantConfigForm(tenant,
                        current.adapter() == null ? "" : current.adapter().name(),
                        current.adapter() == null ? "" : current.adapter().source(),
                        current.promptTemplate() == null ? "" : current.promptTemplate(),
                        current.topK() == null ? "" : current.topK().toString(), current.updatedAt());
        return PlaygroundFragments.html(200, ConsoleTemplates.tenantConfig(form, Map.of(), "").render());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: save the tenant's configuration (HTML fragment; admin key)")
    public Response save(@PathParam("tenant") String tenant, @FormParam("adapterName") String adapterName,
                         @FormParam("adapterSource") String adapterSource, @FormParam("promptTemplate") String promptTemplate,
                         @FormParam("topK") String topK) throws Exception {
        ConsoleTemplates.TenantConfigForm typed = new ConsoleTemplates.TenantConfigForm(tenant, nz(adapterName), nz(adapterSource),
                nz(promptTemplate), nz(topK), "");
        Map<String, Object> body = new LinkedHashMap<>();
        if (!typed.adapterName().isBlank() || !typed.adapterSource().isBlank()) {
            Map<String, String> adapter = new LinkedHashMap<>();
            adapter.put("name", typed.adapterName().strip());
            adapter.put("source", typed.adapterSource());
            body.put("adapter", adapter);
        }
        if (!typed.promptTemplate().isBlank()) {
            body.put("promptTemplate", typed.promptTemplate());
        }
        Map<String, String> errors = new LinkedHashMap<>();
        if (!typed.topK().isBlank()) {
            try {
                body.put("topK", Integer.parseInt(typed.topK().strip()));
            } catch (NumberFormatException e) {
                errors.put("topK", "must be a whole number, was '" + typed.topK().strip() + "'");
            }
        }
        if (errors.isEmpty()) {
            try {
                Response r = resource.put(tenant, json.writeValueAsBytes(body));
                TenantConfig saved = (TenantConfig) r.getEntity();
                String note = r.getStatus() == 200 ? "Saved at " + saved.updatedAt() + "."
                        : "Saved at " + saved.updatedAt() + "; this replica does not show it yet.";
                return PlaygroundFragments.html(200, ConsoleTemplates.tenantConfig(
                        new ConsoleTemplates.TenantConfigForm(tenant, typed.adapterName(), typed.adapterSource(),
                                typed.promptTemplate(), typed.topK(), saved.updatedAt()), Map.of(), note).render());
            } catch (InvalidEventException e) {
                for (Violation v : e.violations()) {
                    errors.merge(v.field(), v.message(), (a, b) -> a + "; " + b);
                }
            } catch (ProblemException e) {
                return PlaygroundFragments.problem(e);
            }
        }
        return PlaygroundFragments.html(400, ConsoleTemplates.tenantConfig(typed, errors, "").render());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
