package dev.parley.accounts.control;

import dev.parley.accounts.entity.AccessRevoked;
import dev.parley.accounts.entity.RevokedToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens given back by logout. Every authenticated request asks, so the live ones are held in
 * memory, read from the database once; the database keeps them across restarts until they
 * would have expired anyway.
 */
@ApplicationScoped
public class Revocations {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<AccessRevoked> revoked;

    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    /** Refuses the token from now on, and closes what was opened with it once this commits. */
    @Transactional
    public void revoke(String username, String tokenId, Instant expiresAt) {
        load();
        Instant now = Instant.now();
        // refused from here on, even before the commit: the safe side of a race
        if (tokens.putIfAbsent(tokenId, expiresAt) == null) {
            em.persist(new RevokedToken(tokenId, username, expiresAt));
        }
        tokens.values().removeIf(expiry -> !expiry.isAfter(now));
        em.createNamedQuery(RevokedToken.EXPIRED).setParameter("now", now).executeUpdate();
        revoked.fire(new AccessRevoked(username, tokenId, "logged out"));
    }

    // asked by every request and handshake: no transaction interceptor, only memory after the first read
    public boolean isRevoked(String tokenId) {
        load();
        return tokenId != null && tokens.containsKey(tokenId);
    }

    /**
     * Reads the tokens revoked since the last look, on any node that shares the database: the
     * ones this node did not know yet, so that it can close their connections too.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<RevokedToken> refresh() {
        Instant now = Instant.now();
        List<RevokedToken> fresh = new ArrayList<>();
        for (RevokedToken token : em.createNamedQuery(RevokedToken.LIVE, RevokedToken.class)
                .setParameter("now", now)
                .getResultList()) {
            if (tokens.putIfAbsent(token.jti(), token.expiresAt()) == null && loaded) {
                fresh.add(token);
            }
        }
        loaded = true;
        tokens.values().removeIf(expiry -> !expiry.isAfter(now));
        return fresh;
    }

    private void load() {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    em.createNamedQuery(RevokedToken.LIVE, RevokedToken.class)
                            .setParameter("now", Instant.now())
                            .getResultStream()
                            .forEach(token -> tokens.put(token.jti(), token.expiresAt()));
                    loaded = true;
                }
            }
        }
    }
}
