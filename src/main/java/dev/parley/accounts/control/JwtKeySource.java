package dev.parley.accounts.control;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tells MP-JWT the public half of Parley's own signing key and the default issuer, so that
 * a fresh install verifies its own tokens with nothing configured. At a low ordinal: any
 * {@code mp.jwt.*} setting an operator makes wins. With an external issuer's keys configured
 * ({@code mp.jwt.verify.publickey.location}) it offers no key, since MP-JWT refuses both.
 */
public class JwtKeySource implements ConfigSource {

    static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String DEFAULT_ISSUER = "parley";

    private volatile Map<String, String> values;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> known = values;
        if (known == null) {
            Map<String, String> current = new HashMap<>();
            current.put(ISSUER, DEFAULT_ISSUER);
            if (SigningKey.setting(SigningKey.EXTERNAL_KEYS) == null) {
                SigningKey.current().ifPresent(key -> current.put(PUBLIC_KEY, key.publicKeyPem()));
            }
            values = Map.copyOf(current);
            known = values;
        }
        return known;
    }

    @Override
    public Set<String> getPropertyNames() {
        return getProperties().keySet();
    }

    @Override
    public String getValue(String name) {
        return getProperties().get(name);
    }

    @Override
    public String getName() {
        return "parley-jwt-key";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
