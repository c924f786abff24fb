package dev.parley.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.support.Users.User;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The signing key the test server generated in its data folder, for forging test tokens. */
public final class TestKeys {

    private TestKeys() {}

    public static Path dataDir() {
        return Path.of(System.getProperty("parley.test.data.dir", "target/it-data"));
    }

    public static RSAPrivateCrtKey privateKey() throws Exception {
        String pem = Files.readString(dataDir().resolve("keys/jwt-signing-key.pem"), StandardCharsets.US_ASCII);
        byte[] der = Base64.getDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    public static String publicKeyPem() throws Exception {
        RSAPrivateCrtKey key = privateKey();
        var publicKey = KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(publicKey.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A token's claims, decoded without checking anything. */
    public static Map<String, Object> claims(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        JsonObject json = Json.createReader(new StringReader(payload)).readObject();
        Map<String, Object> claims = new LinkedHashMap<>();
        json.forEach((name, value) -> claims.put(name, plain(value)));
        return claims;
    }

    private static Object plain(JsonValue value) {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonNumber n) {
            return n.longValue();
        }
        if (value instanceof JsonArray a) {
            return a.stream().map(TestKeys::plain).toList();
        }
        return value.toString();
    }

    /** A token signed with the server's own key, valid for {@code seconds} (negative: expired that long ago). */
    public static String forgedToken(User user, long seconds) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("parley")
                .subject(String.valueOf(user.id()))
                .claim("upn", user.name())
                .claim("groups", List.of("user"))
                .issueTime(Date.from(now.minusSeconds(Math.max(0, -seconds) + 60)))
                .expirationTime(Date.from(now.plusSeconds(seconds)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(privateKey()));
        return jwt.serialize();
    }
}
