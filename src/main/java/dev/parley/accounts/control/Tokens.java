package dev.parley.accounts.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.IssuedToken;
import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Issues RS256 tokens that MP-JWT, configured by {@link JwtKeySource}, accepts; verifies them where MP-JWT does not reach. */
@ApplicationScoped
public class Tokens {

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = JwtKeySource.DEFAULT_ISSUER)
    String issuer;

    @Inject
    @ConfigProperty(name = "parley.jwt.lifetime", defaultValue = "PT1H")
    Duration lifetime;

    @Inject
    @ConfigProperty(name = JwtKeySource.PUBLIC_KEY)
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = SigningKey.EXTERNAL_KEYS)
    Optional<String> publicKeyLocation;

    @Inject
    Revocations revocations;

    @Inject
    Bans bans;

    private Optional<SigningKey> key;
    private String keyId;
    private List<RSAPublicKey> verificationKeys;

    @PostConstruct
    void load() {
        key = SigningKey.current();
        keyId = key.map(k -> thumbprint(k)).orElse(null);
        verificationKeys = key.isPresent() && publicKeyLocation.isEmpty()
                ? List.of(key.get().publicKey())
                : VerificationKeys.from(publicKey.orElse(null), publicKeyLocation.orElse(null));
    }

    /** The key tokens are signed with here; empty when an external issuer signs them. */
    Optional<SigningKey> signingKey() {
        return key;
    }

    /** The token a request presents: the Authorization header's bearer token, else the query's. */
    public static String presented(String authorization, String queryToken) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return queryToken;
    }

    /**
     * Checks a token by the rules MP-JWT applies to REST (Payara's, read from its parser): RS256
     * with {@code typ: JWT}; {@code iss}, {@code sub}, {@code exp}, {@code iat} and {@code jti}
     * present; this issuer; issued before it expires and not expired; a known key; in the user
     * group; not given back by logout, and its user not banned. One rule whatever carries the
     * token. Empty when any check fails. The signature, the costly part, is checked before the
     * look-ups that tell apart a real token's fate.
     */
    public Optional<Identity> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || !JOSEObjectType.JWT.equals(header.getType())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            Date issued = claims.getIssueTime();
            String name = claims.getStringClaim("upn") != null
                    ? claims.getStringClaim("upn")
                    : claims.getStringClaim("preferred_username") != null
                            ? claims.getStringClaim("preferred_username")
                            : claims.getSubject();
            List<String> groups = claims.getStringListClaim("groups");
            if (!issuer.equals(claims.getIssuer())
                    || claims.getSubject() == null
                    || claims.getJWTID() == null
                    || expires == null
                    || issued == null
                    || !issued.before(expires)
                    || !expires.after(new Date())
                    || name == null
                    // nobody is the assistant, whatever an external issuer says
                    || Accounts.isAssistant(name)
                    || groups == null
                    || !groups.contains(Identity.USER_GROUP)) {
                return Optional.empty();
            }
            for (RSAPublicKey candidate : verificationKeys) {
                if (jwt.verify(new RSASSAVerifier(candidate))) {
                    return revocations.isRevoked(claims.getJWTID()) || bans.isBanned(name)
                            ? Optional.empty()
                            : Optional.of(new Identity(name, claims.getJWTID(), expires.toInstant()));
                }
            }
            return Optional.empty();
        } catch (ParseException | JOSEException | RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** False when an external issuer hands out the tokens: then there are no local logins. */
    public boolean issuesLocally() {
        return key.isPresent();
    }

    public IssuedToken issue(User user) {
        SigningKey signing =
                key.orElseThrow(() -> Refusal.notFound("local accounts are disabled: tokens come from " + issuer));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plus(lifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(String.valueOf(user.id()))
                .claim("upn", user.username())
                .claim("preferred_username", user.username())
                .claim("groups", List.of(Identity.USER_GROUP))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(keyId)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(signing.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return new IssuedToken(jwt.serialize(), expires, user.profile());
    }

    private static String thumbprint(SigningKey key) {
        try {
            return new RSAKey.Builder(key.publicKey())
                    .build()
                    .computeThumbprint()
                    .toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
