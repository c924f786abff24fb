package dev.parley.portability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * An operator sees the jdbc/parley pool through Open Liberty's REST API, the one behind the Admin
 * Center: its configuration at /ibm/api/config/dataSource and a live check at
 * /ibm/api/validation/dataSource/parley. Runs under -Pliberty, which sets the administrator.
 */
class LibertyPoolIT {

    @Test
    void thePoolIsVisibleAndValidThroughTheRestApi() throws Exception {
        URI admin = OtherServer.management("liberty");
        String credentials = OtherServer.required("parley.other.management.user") + ":"
                + OtherServer.required("parley.other.management.password");

        JsonStructure config = get(admin.resolve("/ibm/api/config/dataSource/parley"), credentials);
        JsonObject pool = config.getValueType() == JsonValue.ValueType.ARRAY
                ? config.asJsonArray().getJsonObject(0)
                : config.asJsonObject();
        assertEquals("jdbc/parley", pool.getString("jndiName"), pool::toString);
        JsonObject manager = pool.getJsonObject("connectionManagerRef");
        assertEquals(32, manager.getInt("maxPoolSize"), manager::toString);
        assertEquals(4, manager.getInt("minPoolSize"), manager::toString);
        assertEquals("ValidateAllConnections", manager.getString("purgePolicy"), manager::toString);

        JsonObject validation = get(admin.resolve("/ibm/api/validation/dataSource/parley"), credentials)
                .asJsonObject();
        assertTrue(validation.getBoolean("successful"), validation::toString);
        assertEquals("PostgreSQL", validation.getJsonObject("info").getString("databaseProductName"));

        assertEquals(
                401, status(admin.resolve("/ibm/api/config/dataSource/parley")), "the API wants the administrator");
    }

    static JsonStructure get(URI uri, String credentials) throws IOException, InterruptedException {
        HttpResponse<String> response = http().send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder()
                                                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> uri + ": " + response.body());
        return Json.createReader(new StringReader(response.body())).read();
    }

    static int status(URI uri) throws IOException, InterruptedException {
        return http().send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The REST API is HTTPS only, with the self-signed key Liberty made: trust it, on 127.0.0.1 only. */
    static HttpClient http() {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustLocalServer()}, null);
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .sslContext(tls)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class TrustLocalServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
