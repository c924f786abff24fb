package dev.parley.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi} describes every JAX-RS route in the WAR: the routes are found by reflection
 * over the WAR's own classes, so a resource added without its description fails here. Also the
 * bearer scheme, the shared problem+json answer and the JSON names as the server writes them.
 */
@ParleyTest
class OpenApiIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    JsonObject document;

    @BeforeEach
    void fetch() {
        api = new Api(url);
        URI root = URI.create("http://127.0.0.1:" + api.base().getPort() + "/openapi");
        Api.Reply reply = api.send(HttpRequest.newBuilder(root)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30))
                .GET());
        assertEquals(200, reply.status(), reply::toString);
        document = Json.createReader(new StringReader(reply.body())).readObject();
        // kept for a reader of a failure
        try {
            Files.writeString(
                    java.nio.file.Path.of(System.getProperty("parley.build.dir", "target"), "openapi.json"),
                    reply.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyRouteOfTheWarIsDescribed() throws Exception {
        Set<String> routes = routes();
        assertTrue(routes.size() > 20, "found the resources by reflection: " + routes);
        Set<String> described = new TreeSet<>();
        String context = api.base().getPath().replaceAll("/+$", "");
        document.getJsonObject("paths").forEach((path, item) -> {
            String route =
                    !context.isEmpty() && path.startsWith(context + "/") ? path.substring(context.length()) : path;
            item.asJsonObject()
                    .keySet()
                    .forEach(method -> described.add(method.toUpperCase(Locale.ROOT) + " " + route));
        });
        Set<String> missing = new TreeSet<>(routes);
        missing.removeAll(described);
        assertEquals(Set.of(), missing, "routes missing from /openapi; it describes " + described);
    }

    @Test
    void theBearerSchemeGuardsEveryRouteButLoginAndRegister() {
        JsonObject bearer = document.getJsonObject("components")
                .getJsonObject("securitySchemes")
                .getJsonObject("bearer");
        assertEquals("http", bearer.getString("type"));
        assertEquals("bearer", bearer.getString("scheme").toLowerCase(Locale.ROOT));
        List<String> open = new ArrayList<>();
        operations((route, operation) -> {
            if (!operation.containsKey("security")) {
                open.add(route);
            }
        });
        assertEquals(
                List.of("POST /api/auth/login", "POST /api/auth/register"),
                open.stream().sorted().toList());
    }

    @Test
    void everyOperationAnswersProblemsWithTheSharedSchema() {
        JsonObject problem =
                document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem");
        assertTrue(
                problem.getJsonObject("properties").keySet().containsAll(Set.of("type", "title", "status", "code")),
                problem::toString);
        operations((route, operation) -> {
            JsonObject clientError = operation.getJsonObject("responses").getJsonObject("4XX");
            assertTrue(clientError != null, route + " has no 4XX answer: " + operation);
            assertEquals(
                    "#/components/schemas/Problem",
                    clientError
                            .getJsonObject("content")
                            .getJsonObject("application/problem+json")
                            .getJsonObject("schema")
                            .getString("$ref"),
                    route);
        });
    }

    @Test
    void bodiesAreDescribedAsTheServerReadsAndWritesThem() {
        JsonObject post = operation("/api/rooms/{id}/messages", "post");
        JsonObject request = resolve(post.getJsonObject("requestBody")
                .getJsonObject("content")
                .getJsonObject("application/json")
                .getJsonObject("schema"));
        assertTrue(
                request.getJsonObject("properties")
                        .keySet()
                        .containsAll(Set.of("content", "client_id", "message_type")),
                request::toString);
        assertTrue(post.getJsonObject("responses").containsKey("201"), post::toString);
        JsonObject message =
                document.getJsonObject("components").getJsonObject("schemas").getJsonObject("ChatMessage");
        assertTrue(message.getJsonObject("properties").containsKey("room_id"), "snake_case, as JSON-B writes it");
        assertEquals(
                "date-time",
                resolve(message.getJsonObject("properties").getJsonObject("timestamp"))
                        .getString("format", "(none)"),
                message::toString);
    }

    private JsonObject resolve(JsonObject schema) {
        String ref = schema.getString("$ref", null);
        if (ref == null) {
            return schema;
        }
        JsonObject named = document.getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
        assertTrue(named != null, ref + " is in the components");
        return named;
    }

    private JsonObject operation(String route, String method) {
        String context = api.base().getPath().replaceAll("/+$", "");
        JsonObject paths = document.getJsonObject("paths");
        JsonObject item = paths.containsKey(route) ? paths.getJsonObject(route) : paths.getJsonObject(context + route);
        assertTrue(item != null, route + " in " + paths.keySet());
        return item.getJsonObject(method);
    }

    private void operations(java.util.function.BiConsumer<String, JsonObject> each) {
        String context = api.base().getPath().replaceAll("/+$", "");
        document.getJsonObject("paths").forEach((path, item) -> {
            String route =
                    !context.isEmpty() && path.startsWith(context + "/") ? path.substring(context.length()) : path;
            item.asJsonObject().forEach((method, operation) -> {
                if (operation.getValueType() == JsonValue.ValueType.OBJECT) {
                    each.accept(method.toUpperCase(Locale.ROOT) + " " + route, operation.asJsonObject());
                }
            });
        });
    }

    /** "GET /api/rooms/{id}", and so on: every resource method of every @Path class in the WAR. */
    static Set<String> routes() throws IOException, ClassNotFoundException {
        List<Class<?>> classes = warClasses();
        String application = classes.stream()
                .filter(c -> c.isAnnotationPresent(ApplicationPath.class))
                .map(c -> c.getAnnotation(ApplicationPath.class).value())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no @ApplicationPath class in the WAR"));
        Set<String> routes = new TreeSet<>();
        for (Class<?> resource : classes) {
            Path root = resource.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : resource.getMethods()) {
                for (Annotation annotation : method.getAnnotations()) {
                    HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
                    if (verb != null) {
                        Path sub = method.getAnnotation(Path.class);
                        routes.add(
                                verb.value() + " " + join(application, root.value(), sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        return routes;
    }

    private static List<Class<?>> warClasses() throws IOException, ClassNotFoundException {
        File war = new File(System.getProperty("parley.war", "target/parley.war"));
        List<Class<?>> classes = new ArrayList<>();
        String prefix = "WEB-INF/classes/";
        try (ZipFile zip = new ZipFile(war)) {
            for (var entry : zip.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith(prefix + "dev/parley/") && name.endsWith(".class") && !name.contains("$")) {
                    String className = name.substring(prefix.length(), name.length() - ".class".length())
                            .replace('/', '.');
                    classes.add(Class.forName(className, false, OpenApiIT.class.getClassLoader()));
                }
            }
        }
        return classes;
    }

    // segments joined with one slash; a path parameter's regex ({id: \d+}) is not part of its name
    private static String join(String... parts) {
        StringBuilder route = new StringBuilder();
        for (String part : parts) {
            for (String segment : part.split("/")) {
                if (!segment.isBlank()) {
                    route.append('/').append(segment.replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}"));
                }
            }
        }
        return route.toString();
    }
}
