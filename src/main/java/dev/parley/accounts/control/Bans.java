package dev.parley.accounts.control;

import dev.parley.accounts.entity.AccessRevoked;
import dev.parley.accounts.entity.Ban;
import dev.parley.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Banned users, by username key. Asked by every authenticated request and handshake, so held in
 * memory after one read; the database is the record.
 */
@ApplicationScoped
public class Bans {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<AccessRevoked> revoked;

    private final Set<String> banned = ConcurrentHashMap.newKeySet();
    private volatile boolean loaded;

    /** Refuses the user's tokens and logins, and closes their connections once this commits. False when banned already. */
    @Transactional
    public boolean ban(User user, String bannedBy) {
        load();
        if (em.find(Ban.class, user.id()) != null) {
            return false;
        }
        em.persist(new Ban(user.id(), bannedBy));
        em.flush();
        banned.add(User.keyOf(user.username()));
        revoked.fire(new AccessRevoked(user.username(), null, "banned"));
        return true;
    }

    /** False when the user was not banned. */
    @Transactional
    public boolean unban(User user) {
        load();
        Ban ban = em.find(Ban.class, user.id());
        if (ban == null) {
            return false;
        }
        em.remove(ban);
        em.flush();
        banned.remove(User.keyOf(user.username()));
        return true;
    }

    // asked by every request and handshake: no transaction interceptor, only memory after the first read
    public boolean isBanned(String username) {
        load();
        return username != null && banned.contains(User.keyOf(username));
    }

    /**
     * Reads the bans again, as set on any node that shares the database; returns the username
     * keys banned since the last look, so that this node closes their connections too.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Set<String> refresh() {
        Set<String> now =
                Set.copyOf(em.createNamedQuery(Ban.ALL_KEYS, String.class).getResultList());
        Set<String> fresh = new HashSet<>(now);
        fresh.removeAll(banned);
        banned.retainAll(now);
        banned.addAll(now);
        boolean first = !loaded;
        loaded = true;
        return first ? Set.of() : fresh;
    }

    private void load() {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    banned.addAll(
                            em.createNamedQuery(Ban.ALL_KEYS, String.class).getResultList());
                    loaded = true;
                }
            }
        }
    }
}
