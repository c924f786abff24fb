package dev.parley.portability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * An operator sees the jdbc/parley pool through WildFly's HTTP management API, as the HAL console
 * and jboss-cli do: the datasource with its settings, and its runtime statistics (enabled by
 * server-config/wildfly/parley.cli). Runs under -Pwildfly, which adds the management user.
 */
class WildFlyPoolIT {

    static final JsonArray POOL = Json.createArrayBuilder()
            .add("subsystem")
            .add("datasources")
            .add("data-source")
            .add("parley")
            .build();

    @Test
    void thePoolAndItsStatisticsAreVisibleThroughTheManagementApi() throws IOException {
        URI management = OtherServer.management("wildfly").resolve("/management");
        String user = OtherServer.required("parley.other.management.user");
        String password = OtherServer.required("parley.other.management.password");

        JsonObject answer = post(
                management,
                user,
                password,
                Json.createObjectBuilder()
                        .add("operation", "read-resource")
                        .add("address", POOL)
                        .add("include-runtime", true)
                        .add("recursive", true)
                        .build());
        assertEquals("success", answer.getString("outcome"), answer::toString);
        JsonObject pool = answer.getJsonObject("result");
        assertEquals("java:/jdbc/parley", pool.getString("jndi-name"));
        assertEquals(32, pool.getInt("max-pool-size"));
        assertTrue(pool.getBoolean("background-validation"), "the pool validates its connections");
        assertTrue(pool.getBoolean("statistics-enabled"), pool::toString);
        JsonObject statistics = pool.getJsonObject("statistics").getJsonObject("pool");
        assertTrue(
                statistics.getInt("TotalCreationTime") >= 0 && statistics.getInt("CreatedCount") > 0,
                "the application has used the pool: " + statistics);
        assertTrue(
                statistics.containsKey("ActiveCount") && statistics.containsKey("MaxUsedCount"), statistics::toString);

        JsonObject test = post(
                management,
                user,
                password,
                Json.createObjectBuilder()
                        .add("operation", "test-connection-in-pool")
                        .add("address", POOL)
                        .build());
        assertEquals("success", test.getString("outcome"), test::toString);
    }

    /** HTTP management takes Digest, which the JDK's HttpClient does not speak; HttpURLConnection does. */
    static JsonObject post(URI management, String user, String password, JsonObject operation) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) management.toURL().openConnection();
        connection.setAuthenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(user, password.toCharArray());
            }
        });
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestMethod("POST");
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setDoOutput(true);
        try (OutputStream body = connection.getOutputStream()) {
            body.write(operation.toString().getBytes(StandardCharsets.UTF_8));
        }
        int status = connection.getResponseCode();
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("{"), "HTTP " + status + " from " + management + ": " + text);
            return Json.createReader(new java.io.StringReader(text)).readObject();
        }
    }
}
