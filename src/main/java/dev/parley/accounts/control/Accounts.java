package dev.parley.accounts.control;

import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Accounts. Only the writes are transactional: {@link #byUsername} runs on every request and
 * handshake, and on Payara a transaction interceptor costs milliseconds per call even in SUPPORTS.
 */
@ApplicationScoped
public class Accounts {

    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
    private static final int KNOWN_USERS = 100_000;

    /** The built-in user the assistant's replies come from (V5__assistant.sql); nobody signs in as it. */
    public static final String ASSISTANT = "assistant";

    @PersistenceContext
    EntityManager em;

    /** Users seen lately, by username key: every request and handshake names its user, and users never change. */
    private final Map<String, User> known = new ConcurrentHashMap<>();

    /** The user by name, any case; read from the database once, then remembered (detached). */
    public Optional<User> byUsername(String username) {
        String key = User.keyOf(username);
        User user = known.get(key);
        if (user == null) {
            user = em.createNamedQuery(User.BY_KEY, User.class)
                    .setParameter("key", key)
                    .getResultStream()
                    .findFirst()
                    .orElse(null);
            if (user != null) {
                if (known.size() >= KNOWN_USERS) {
                    // a plain bound: past it, start over rather than keep a stale half
                    known.clear();
                }
                known.put(key, user);
            }
        }
        return Optional.ofNullable(user);
    }

    @Transactional
    public User register(String username, String displayName, String passwordHash) {
        if (byUsername(username).isPresent()) {
            throw taken(username);
        }
        User user = new User(username, displayName == null ? username : displayName, passwordHash);
        em.persist(user);
        try {
            em.flush();
        } catch (PersistenceException e) {
            if (isUniqueViolation(e)) {
                throw taken(username);
            }
            throw e;
        }
        return user;
    }

    // SQLState class 23 is an integrity constraint violation on every database
    private static boolean isUniqueViolation(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /** A user known only from an external issuer's token: created on first sight. */
    @Transactional
    public User provision(String username) {
        if (!USERNAME.matcher(username).matches() || isAssistant(username)) {
            throw Refusal.forbidden("the token's user name is not a valid Parley username");
        }
        return byUsername(username).orElseGet(() -> register(username, null, null));
    }

    public static boolean isAssistant(String username) {
        return ASSISTANT.equals(User.keyOf(username));
    }

    public User assistant() {
        return byUsername(ASSISTANT).orElseThrow(() -> new IllegalStateException("the assistant user is missing"));
    }

    private static Refusal taken(String username) {
        return Refusal.conflict("the username " + username + " is taken");
    }
}
