package dev.parley.accounts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

@Entity
@Table(name = "users")
@NamedQuery(name = User.BY_KEY, query = "select u from User u where u.usernameKey = :key")
public class User {

    public static final String BY_KEY = "User.byKey";

    @Id
    @SequenceGenerator(name = "users_seq", sequenceName = "users_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "users_seq")
    private Long id;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "username_key", nullable = false, length = 32)
    private String usernameKey;

    @Column(name = "display_name", nullable = false, length = 64)
    private String displayName;

    @Column(name = "password_hash", length = 300)
    private String passwordHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected User() {}

    public User(String username, String displayName, String passwordHash) {
        this.username = username;
        this.usernameKey = keyOf(username);
        this.displayName = displayName;
        this.passwordHash = passwordHash;
        this.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Usernames compare case-insensitively; this is the form they are unique in. */
    public static String keyOf(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    public Long id() {
        return id;
    }

    public String username() {
        return username;
    }

    public String displayName() {
        return displayName;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Profile profile() {
        return new Profile(id, username, displayName, createdAt);
    }
}
