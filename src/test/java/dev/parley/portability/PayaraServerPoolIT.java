package dev.parley.portability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An operator sees the jdbc/parley pool through Payara Server's REST management API, the one
 * behind the admin console and asadmin: the pool's settings, and a ping through it. Runs under
 * -Ppayara-server (admin user without a password, admin listener on 127.0.0.1).
 */
class PayaraServerPoolIT {

    @Test
    void thePoolIsVisibleAndAnswersAPingThroughTheManagementApi() throws Exception {
        URI admin = OtherServer.management("payara-server");

        JsonObject pool = get(admin.resolve("/management/domain/resources/jdbc-connection-pool/parley-pool"))
                .getJsonObject("extraProperties")
                .getJsonObject("entity");
        assertEquals("32", pool.getString("maxPoolSize"), pool::toString);
        assertEquals("4", pool.getString("steadyPoolSize"), pool::toString);
        assertEquals("true", pool.getString("isConnectionValidationRequired"), pool::toString);
        assertEquals("org.postgresql.ds.PGSimpleDataSource", pool.getString("datasourceClassname"), pool::toString);

        JsonObject ping = get(admin.resolve("/management/domain/resources/ping-connection-pool?id=parley-pool"));
        assertEquals("SUCCESS", ping.getString("exit_code"), ping::toString);
    }

    static JsonObject get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build()
                .send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> uri + ": " + response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
