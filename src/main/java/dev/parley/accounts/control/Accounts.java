package dev.parley.accounts.control;

import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;

@ApplicationScoped
@Transactional
public class Accounts {

    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");

    @PersistenceContext
    EntityManager em;

    public Optional<User> byUsername(String username) {
        return em.createNamedQuery(User.BY_KEY, User.class)
                .setParameter("key", User.keyOf(username))
                .getResultStream()
                .findFirst();
    }

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
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /** A user known only from an external issuer's token: created on first sight. */
    public User provision(String username) {
        if (!USERNAME.matcher(username).matches()) {
            throw Refusal.forbidden("the token's user name is not a valid Parley username");
        }
        return byUsername(username).orElseGet(() -> register(username, null, null));
    }

    private static Refusal taken(String username) {
        return Refusal.conflict("the username " + username + " is taken");
    }
}
