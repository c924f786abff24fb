package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    static OriginPolicy policy(String... allowed) {
        OriginPolicy policy = new OriginPolicy();
        policy.allowed = List.of(allowed);
        return policy;
    }

    @Test
    void theServersOwnHostIsAllowedOverEitherSchemeBehindAProxyThatEndsTls() {
        OriginPolicy policy = policy("http://localhost:*");
        // the browser's page is https; the proxy hands the server plain HTTP with the same Host
        assertTrue(policy.allows("https://chat.example.com", "chat.example.com"));
        assertTrue(policy.allows("http://chat.example.com", "chat.example.com"));
        assertTrue(policy.allows("https://chat.example.com:8443", "chat.example.com:8443"));
    }

    @Test
    void anotherSiteIsRefusedWhateverItsScheme() {
        OriginPolicy policy = policy("http://localhost:*");
        assertFalse(policy.allows("https://evil.example", "chat.example.com"));
        assertFalse(policy.allows("https://chat.example.com.evil.example", "chat.example.com"));
        assertFalse(policy.allows("https://chat.example.com:8443", "chat.example.com"));
        assertFalse(policy.allows("null", "chat.example.com"));
        assertFalse(policy.allows("https://chat.example.com", null));
    }

    @Test
    void theAllowListTakesExactOriginsOrAnyPort() {
        OriginPolicy policy = policy("https://app.example.org", "http://localhost:*");
        assertTrue(policy.allows("https://app.example.org", "chat.example.com"));
        assertFalse(policy.allows("http://app.example.org", "chat.example.com"));
        assertTrue(policy.allows("http://localhost:5173", "chat.example.com"));
        assertTrue(policy.allows("http://localhost", "chat.example.com"));
        assertFalse(policy.allows("http://localhost.evil.example", "chat.example.com"));
        assertTrue(policy.allows(null, "chat.example.com"), "not a browser");
    }
}
