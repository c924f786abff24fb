package dev.parley.realtime.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which browser origins may open a socket. An entry may end in {@code :*} for any
 * port. The server's own origin is always allowed, by its {@code Host}, over either scheme: a
 * proxy that ends TLS in front of the server hands it plain HTTP for an {@code https} page, and
 * what keeps other sites out is the host, which a page cannot choose. A request without Origin
 * (not a browser) is allowed too.
 */
@ApplicationScoped
public class OriginPolicy {

    @Inject
    @ConfigProperty(
            name = "parley.ws.allowed-origins",
            defaultValue = "http://localhost:*,http://127.0.0.1:*,https://localhost:*,https://127.0.0.1:*")
    List<String> allowed;

    public boolean allows(String origin, String ownHost) {
        if (origin == null) {
            return true;
        }
        if (ownHost != null
                && (origin.equalsIgnoreCase("https://" + ownHost) || origin.equalsIgnoreCase("http://" + ownHost))) {
            return true;
        }
        for (String entry : allowed) {
            String pattern = entry.strip();
            if (pattern.equals("*") || pattern.equalsIgnoreCase(origin)) {
                return true;
            }
            if (pattern.endsWith(":*")) {
                String host = pattern.substring(0, pattern.length() - 2);
                if (origin.equalsIgnoreCase(host)
                        || (origin.regionMatches(true, 0, host + ":", 0, host.length() + 1)
                                && origin.substring(host.length() + 1).matches("[0-9]{1,5}"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
