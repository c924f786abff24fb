package dev.parley.platform.boundary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Finishes the OpenAPI document the container scans from the resources ({@code mp.openapi.filter}
 * in {@code microprofile-config.properties}). Two things the scan cannot know: JSON-B writes
 * Parley's bodies in snake_case ({@code JsonbContext}), so record components named in camelCase
 * are renamed; and every route may answer a problem+json body, so each operation gets the 4XX
 * and 5XX answers with the one shared {@code Problem} schema. Not a CDI bean: only the OpenAPI
 * runtime loads it, and a server without one never does.
 */
public class ApiDocument implements OASFilter {

    static final String PROBLEM = "Problem";

    /**
     * MicroProfile OpenAPI 4 (WildFly 39: OpenAPI 3.1) changed the types of several Schema
     * methods this filter calls, which would fail the deployment there. The filter is written
     * against 3.x (Payara 6, Open Liberty) and leaves a 4.x document as the scan made it.
     */
    static final boolean OPENAPI_3 = hasSetType();

    static final String JSON = "application/json";
    static final String PROBLEM_MEDIA_TYPE = "application/problem+json";

    @Override
    public Schema filterSchema(Schema schema) {
        if (!OPENAPI_3) {
            return schema;
        }
        withoutUnsetDefaults(schema);
        Map<String, Schema> properties = schema.getProperties();
        if (properties != null && properties.keySet().stream().anyMatch(ApiDocument::camel)) {
            Map<String, Schema> renamed = new LinkedHashMap<>();
            properties.forEach((name, property) -> renamed.put(snake(name), property));
            schema.setProperties(renamed);
            if (schema.getRequired() != null) {
                schema.setRequired(
                        schema.getRequired().stream().map(ApiDocument::snake).toList());
            }
        }
        return schema;
    }

    // Payara 6 copies an annotation's unset members into the schema (maxProperties: 0 on a string,
    // readOnly: false, ...): noise at best, and maxProperties 0 would forbid any object
    private static void withoutUnsetDefaults(Schema schema) {
        if (Integer.valueOf(0).equals(schema.getMaxProperties())) {
            schema.setMaxProperties(null);
        }
        if (Integer.valueOf(0).equals(schema.getMinProperties())) {
            schema.setMinProperties(null);
        }
        if (Integer.valueOf(0).equals(schema.getMinLength())) {
            schema.setMinLength(null);
        }
        if (Boolean.FALSE.equals(schema.getExclusiveMaximum())) {
            schema.setExclusiveMaximum(null);
        }
        if (Boolean.FALSE.equals(schema.getExclusiveMinimum())) {
            schema.setExclusiveMinimum(null);
        }
        if (Boolean.FALSE.equals(schema.getUniqueItems())) {
            schema.setUniqueItems(null);
        }
        if (Boolean.FALSE.equals(schema.getNullable())) {
            schema.setNullable(null);
        }
        if (Boolean.FALSE.equals(schema.getReadOnly())) {
            schema.setReadOnly(null);
        }
        if (Boolean.FALSE.equals(schema.getWriteOnly())) {
            schema.setWriteOnly(null);
        }
        if (Boolean.FALSE.equals(schema.getDeprecated())) {
            schema.setDeprecated(null);
        }
    }

    // every Parley body is required; a body read as a String: Payara 6 keeps the parameter's type
    // beside the declared schema, and adds a */* entry of its own
    @Override
    public RequestBody filterRequestBody(RequestBody body) {
        if (!OPENAPI_3) {
            return body;
        }
        body.setRequired(true);
        if (body.getContent() != null && body.getContent().hasMediaType(JSON)) {
            body.getContent().removeMediaType("*/*");
            Schema schema = body.getContent().getMediaType(JSON).getSchema();
            if (schema != null && schema.getRef() != null) {
                schema.setType(null);
            }
        }
        return body;
    }

    @Override
    public Operation filterOperation(Operation operation) {
        if (!OPENAPI_3) {
            return operation;
        }
        if (operation.getResponses() != null) {
            for (String range : List.of("4XX", "5XX")) {
                if (!operation.getResponses().hasAPIResponse(range)) {
                    operation.getResponses().addAPIResponse(range, problem());
                }
            }
        }
        return operation;
    }

    @Override
    public void filterOpenAPI(OpenAPI document) {
        if (!OPENAPI_3) {
            return;
        }
        Components components = document.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            document.setComponents(components);
        }
        components.addSchema(PROBLEM, problemSchema());
    }

    private static boolean hasSetType() {
        try {
            Schema.class.getMethod("setType", Schema.SchemaType.class);
            return true;
        } catch (NoSuchMethodException otherApi) {
            return false;
        }
    }

    private static APIResponse problem() {
        return OASFactory.createAPIResponse()
                .description("A problem (RFC 9457): what went wrong, and a machine-readable code")
                .content(OASFactory.createContent()
                        .addMediaType(
                                PROBLEM_MEDIA_TYPE,
                                OASFactory.createMediaType()
                                        .schema(OASFactory.createSchema().ref(PROBLEM))));
    }

    private static Schema problemSchema() {
        Schema fieldError = OASFactory.createSchema()
                .type(Schema.SchemaType.OBJECT)
                .addProperty("field", text("the request field at fault"))
                .addProperty("message", text("what is wrong with it"));
        return OASFactory.createSchema()
                .type(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details, with Parley's code extension")
                .addProperty("type", text("always about:blank"))
                .addProperty("title", text("a short summary of the status"))
                .addProperty(
                        "status",
                        OASFactory.createSchema()
                                .type(Schema.SchemaType.INTEGER)
                                .description("HTTP status"))
                .addProperty("code", text("machine-readable reason, as a socket error frame carries it"))
                .addProperty("detail", text("this occurrence, in words"))
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .type(Schema.SchemaType.ARRAY)
                                .items(fieldError)
                                .description("the fields at fault, when the body was invalid"))
                .required(List.of("type", "title", "status", "code"));
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().type(Schema.SchemaType.STRING).description(description);
    }

    private static boolean camel(String name) {
        return !name.equals(snake(name));
    }

    static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
