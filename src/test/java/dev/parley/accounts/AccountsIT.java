package dev.parley.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.support.Api;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.Posting;
import dev.parley.support.TestKeys;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

@ParleyTest
class AccountsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    private Api api() {
        return new Api(url);
    }

    @Test
    void registerLoginMeRefresh() {
        Api api = api();
        String name = Users.unique("Alice");
        var registered = api.post(
                "/auth/register",
                "{\"username\":\"" + name + "\",\"password\":\"" + Users.PASSWORD + "\",\"display_name\":\"Alice A.\"}",
                null);
        assertEquals(201, registered.status(), registered::toString);
        assertEquals(name, registered.json().getString("username"));
        assertEquals("Alice A.", registered.json().getString("display_name"));
        assertFalse(registered.json().containsKey("password_hash"), registered::toString);

        // usernames compare case-insensitively
        var login = api.post(
                "/auth/login",
                "{\"username\":\"" + name.toUpperCase() + "\",\"password\":\"" + Users.PASSWORD + "\"}",
                null);
        assertEquals(200, login.status(), login::toString);
        String token = login.json().getString("token");
        assertEquals("Bearer", login.json().getString("token_type"));
        assertEquals(name, login.json().getJsonObject("user").getString("username"));
        Instant expires = Instant.parse(login.json().getString("expires_at"));
        assertTrue(
                expires.isAfter(Instant.now().plusSeconds(3000))
                        && expires.isBefore(Instant.now().plusSeconds(3700)),
                "default lifetime is one hour: " + expires);

        Map<String, Object> claims = TestKeys.claims(token);
        assertEquals("parley", claims.get("iss"));
        assertEquals(name, claims.get("upn"));
        assertEquals(String.valueOf(registered.json().getJsonNumber("id").longValue()), claims.get("sub"));
        assertEquals(List.of("user"), claims.get("groups"));
        assertTrue(
                claims.containsKey("jti") && claims.containsKey("iat") && claims.containsKey("exp"), claims::toString);

        var me = api.get("/me", token);
        assertEquals(200, me.status(), me::toString);
        assertEquals(name, me.json().getString("username"));
        assertEquals("Alice A.", me.json().getString("display_name"));

        var refreshed = api.post("/auth/refresh", null, token);
        assertEquals(200, refreshed.status(), refreshed::toString);
        String newToken = refreshed.json().getString("token");
        assertNotEquals(token, newToken);
        assertEquals(name, api.get("/me", newToken).json().getString("username"));
    }

    /**
     * Each logout keeps a revocation until the token would expire, checked by every request: a
     * refresh-and-logout loop would grow that without bound. The shipped bucket is 10 at once.
     */
    @Test
    void refreshesAndLogoutsInALoopAreRateLimitedAndTheTokenStillWorks() {
        Api api = api();
        User user = Users.create(api, "refresher");
        Api.Reply refused = null;
        int refreshed = 0;
        for (int n = 0; n < 30 && refused == null; n++) {
            Api.Reply reply = api.post("/auth/refresh", null, user.token());
            if (reply.status() == 200) {
                refreshed++;
            } else {
                refused = reply;
            }
        }
        assertNotNull(refused, "no 429 within 30 refreshes");
        Posting.assertRateLimited(refused);
        assertTrue(refreshed >= 10, "the bucket of 10 got through first: " + refreshed);
        Posting.assertRateLimited(api.post("/auth/logout", null, user.token()));
        var me = api.get("/me", user.token());
        assertEquals(200, me.status(), "a refused logout revoked nothing: " + me);
    }

    @Test
    void duplicateUsernamesConflictWhateverTheirCase() {
        Api api = api();
        String name = Users.unique("bob");
        String body = "{\"username\":\"%s\",\"password\":\"" + Users.PASSWORD + "\"}";
        assertEquals(201, api.post("/auth/register", body.formatted(name), null).status());
        var again = api.post("/auth/register", body.formatted(name), null);
        assertEquals(409, again.status(), again::toString);
        assertEquals("application/problem+json", again.contentType());
        assertEquals(409, again.json().getInt("status"));
        var upper = api.post("/auth/register", body.formatted(name.toUpperCase()), null);
        assertEquals(409, upper.status(), upper::toString);
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        Api api = api();
        var user = Users.create(api, "carol");
        var wrong =
                api.post("/auth/login", "{\"username\":\"" + user.name() + "\",\"password\":\"wrong-password\"}", null);
        var unknown = api.post(
                "/auth/login",
                "{\"username\":\"" + Users.unique("nobody") + "\",\"password\":\"wrong-password\"}",
                null);
        assertEquals(401, wrong.status(), wrong::toString);
        assertEquals(wrong.body(), unknown.body());
        assertEquals("application/problem+json", unknown.contentType());
    }

    @Test
    void registrationInputIsChecked() {
        Api api = api();
        assertInvalid(
                api.post("/auth/register", "{\"username\":\"ab\",\"password\":\"" + Users.PASSWORD + "\"}", null),
                "username");
        assertInvalid(
                api.post(
                        "/auth/register", "{\"username\":\"has space\",\"password\":\"" + Users.PASSWORD + "\"}", null),
                "username");
        assertInvalid(
                api.post(
                        "/auth/register",
                        "{\"username\":\"" + "x".repeat(33) + "\",\"password\":\"" + Users.PASSWORD + "\"}",
                        null),
                "username");
        assertInvalid(
                api.post("/auth/register", "{\"username\":\"" + Users.unique("d") + "\",\"password\":\"short\"}", null),
                "password");
        assertInvalid(
                api.post("/auth/register", "{\"username\":12345,\"password\":\"" + Users.PASSWORD + "\"}", null),
                "username");
        assertInvalid(api.post("/auth/register", "{\"password\":\"" + Users.PASSWORD + "\"}", null), "username");
        var bad = api.post("/auth/register", "{\"username\":", null);
        assertEquals(400, bad.status(), bad::toString);
        assertEquals("application/problem+json", bad.contentType());
        var array = api.post("/auth/register", "[1,2]", null);
        assertEquals(400, array.status(), array::toString);
    }

    @Test
    void aTenKilobytePasswordIsRefusedBeforeHashing() {
        Api api = api();
        String huge = "p".repeat(10_240);
        long started = System.nanoTime();
        var register = api.post(
                "/auth/register", "{\"username\":\"" + Users.unique("e") + "\",\"password\":\"" + huge + "\"}", null);
        var login = api.post("/auth/login", "{\"username\":\"someone\",\"password\":\"" + huge + "\"}", null);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertInvalid(register, "password");
        assertInvalid(login, "password");
        // not a timing assertion on speed: a hashed 10 KB password would take seconds, not this
        System.getLogger(AccountsIT.class.getName())
                .log(System.Logger.Level.INFO, "two 10 KB-password requests took " + millis + " ms");
    }

    @Test
    void badTokensAreRefused() throws Exception {
        Api api = api();
        var user = Users.create(api, "tok");
        String good = user.token();
        assertEquals(200, api.get("/me", good).status());

        assertUnauthorized(api.get("/me", null));

        String[] parts = good.split("\\.");
        String otherSignature = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
        assertUnauthorized(api.get("/me", parts[0] + "." + parts[1] + "." + otherSignature));

        String tamperedClaims = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"" + user.name() + "\"", "\"admin\"")
                        .getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(api.get("/me", parts[0] + "." + tamperedClaims + "." + parts[2]));

        String none = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(api.get("/me", none + "." + parts[1] + "."));

        // the classic confusion: HS256 keyed with the server's public key
        SignedJWT hs = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims(user, "parley", 600));
        hs.sign(new MACSigner(TestKeys.publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
        assertUnauthorized(api.get("/me", hs.serialize()));

        assertUnauthorized(api.get("/me", signed(claims(user, "parley", -600))));
        assertUnauthorized(api.get("/me", signed(claims(user, "someone-else", 600))));
        // the control: the same key and claims with the right issuer and time pass
        assertEquals(200, api.get("/me", signed(claims(user, "parley", 600))).status());
    }

    private static JWTClaimsSet claims(Users.User user, String issuer, long expiresInSeconds) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(String.valueOf(user.id()))
                .claim("upn", user.name())
                .claim("groups", List.of("user"))
                .issueTime(Date.from(now.minusSeconds(Math.max(0, -expiresInSeconds) + 60)))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                .jwtID(UUID.randomUUID().toString())
                .build();
    }

    private static String signed(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(TestKeys.privateKey()));
        return jwt.serialize();
    }

    static void assertUnauthorized(Api.Reply reply) {
        assertEquals(401, reply.status(), reply::toString);
        assertEquals("application/problem+json", reply.contentType(), reply::toString);
        assertEquals(401, reply.json().getInt("status"));
    }

    static void assertInvalid(Api.Reply reply, String field) {
        assertEquals(400, reply.status(), reply::toString);
        assertEquals("application/problem+json", reply.contentType(), reply::toString);
        assertTrue(
                reply.json().getJsonArray("errors").stream()
                        .anyMatch(e -> e.asJsonObject().getString("field").equals(field)),
                reply::toString);
    }
}
