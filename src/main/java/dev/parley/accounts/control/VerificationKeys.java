package dev.parley.accounts.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The public keys tokens are checked against outside MP-JWT (socket handshakes, SSE query
 * tokens): read from the same settings MP-JWT reads, a PEM key or a JWKS, inline or at a
 * location, so both paths accept exactly the same tokens.
 */
final class VerificationKeys {

    private VerificationKeys() {}

    static List<RSAPublicKey> from(String inline, String location) {
        try {
            String text = inline != null ? inline : read(location);
            if (!text.strip().startsWith("{")) {
                return List.of(pem(text));
            }
            List<RSAPublicKey> keys = new ArrayList<>();
            for (JWK jwk : JWKSet.parse(text).getKeys()) {
                if (jwk instanceof RSAKey rsa) {
                    keys.add(rsa.toRSAPublicKey());
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalStateException("no RSA public key in the MP-JWT key settings");
            }
            return List.copyOf(keys);
        } catch (IOException | ParseException | JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the MP-JWT verification key: " + e.getMessage(), e);
        }
    }

    private static RSAPublicKey pem(String text) throws GeneralSecurityException {
        byte[] der = Base64.getDecoder()
                .decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    private static String read(String location) throws IOException {
        if (location == null) {
            throw new IllegalStateException("no token verification key is configured");
        }
        if (location.startsWith("http:") || location.startsWith("https:") || location.startsWith("file:")) {
            try (var in = URI.create(location).toURL().openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(Path.of(location), StandardCharsets.UTF_8);
    }
}
