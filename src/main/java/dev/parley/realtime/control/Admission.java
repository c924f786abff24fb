package dev.parley.realtime.control;

import dev.parley.accounts.entity.Identity;
import java.security.Principal;

/**
 * What the handshake check hands to the endpoint, as the request's principal (the one portable
 * way from a servlet filter to a socket session): the verified identity and its place under the
 * per-user cap.
 */
public record Admission(Identity identity, ConnectionCap.Slot slot) implements Principal {

    @Override
    public String getName() {
        return identity.username();
    }
}
