package dev.parley.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.support.Api;
import dev.parley.support.MicroProcess;
import dev.parley.support.Nginx;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behind the README's nginx every request reaches the node from nginx's address, so the login
 * limit per client address was one bucket for everyone: one client failing logins kept every
 * other client out. With nginx named in {@code parley.http.trusted-proxies}, each client is
 * counted by the address nginx forwards. Here the clients are told apart by the
 * {@code X-Forwarded-For} they send, since on one machine they all reach nginx from 127.0.0.1,
 * which is also the trusted proxy; that a client cannot choose its address when it is not the
 * proxy is {@code ClientAddressTest}'s.
 */
@ExtendWith(TestDatabase.class)
class ProxiedLoginIT {

    /** Attempts per client address at once; refilled too slowly to matter in the test. */
    static final int PER_ADDRESS = 3;

    @Test
    void behindATrustedProxyOneClientsFailuresDoNotLockOthersOut() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path config = Path.of(System.getProperty("parley.server.config", "server-config"))
                .resolve("nginx/parley.conf");
        Path data = Files.createTempDirectory(build, "proxied-login-data");
        List<String> options = List.of(
                "-Dparley.ratelimit.auth.per-address.capacity=" + PER_ADDRESS,
                "-Dparley.ratelimit.auth.per-address.per-second=0.001",
                "-Dparley.http.trusted-proxies=127.0.0.1,::1");
        try (MicroProcess node = MicroProcess.start(data, build.resolve("proxied-login-it.log"), options);
                Nginx nginx = Nginx.inFront(
                        config,
                        build.resolve("proxied-login-nginx"),
                        node.api().base().getPort())) {
            Api lb = nginx.api();
            String name = Users.unique("proxied");
            assertEquals(
                    201,
                    login(lb, "/auth/register", name, Users.PASSWORD, "203.0.113.8")
                            .status(),
                    "signed up through nginx");

            for (int i = 0; i < PER_ADDRESS; i++) {
                assertEquals(
                        401,
                        login(lb, "/auth/login", Users.unique("nobody"), "wrong password", "203.0.113.7")
                                .status());
            }
            Api.Reply limited = login(lb, "/auth/login", name, Users.PASSWORD, "203.0.113.7");
            assertEquals(429, limited.status(), "the failing client is limited: " + limited.body());
            assertEquals("rate_limited", limited.json().getString("code"));

            Api.Reply other = login(lb, "/auth/login", name, Users.PASSWORD, "203.0.113.8");
            assertEquals(200, other.status(), "another client behind the same proxy signs in: " + other.body());
            assertEquals(name, other.json().getJsonObject("user").getString("username"));
        }
    }

    private static Api.Reply login(Api api, String path, String username, String password, String client) {
        String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
        return api.send(api.request(path, null)
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
