package dev.parley.accounts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A user shut out by an admin: no token of theirs is accepted, no login succeeds. */
@Entity
@Table(name = "bans")
@NamedQuery(name = Ban.ALL_KEYS, query = "select u.usernameKey from Ban b, User u where u.id = b.userId")
public class Ban {

    public static final String ALL_KEYS = "Ban.allKeys";

    @Id
    @Column(name = "user_id")
    private long userId;

    @Column(name = "banned_by", nullable = false, length = 32)
    private String bannedBy;

    @Column(name = "banned_at", nullable = false)
    private Instant bannedAt;

    protected Ban() {}

    public Ban(long userId, String bannedBy) {
        this.userId = userId;
        this.bannedBy = bannedBy;
        this.bannedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
