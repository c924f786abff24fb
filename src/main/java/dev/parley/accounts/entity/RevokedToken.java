package dev.parley.accounts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** A token given back by logout: refused until it expires, then forgotten. */
@Entity
@Table(name = "revoked_tokens")
@NamedQuery(name = RevokedToken.LIVE, query = "select t from RevokedToken t where t.expiresAt > :now")
@NamedQuery(name = RevokedToken.EXPIRED, query = "delete from RevokedToken t where t.expiresAt <= :now")
public class RevokedToken {

    public static final String LIVE = "RevokedToken.live";
    public static final String EXPIRED = "RevokedToken.expired";

    @Id
    @Column(length = 64)
    private String jti;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected RevokedToken() {}

    public RevokedToken(String jti, String username, Instant expiresAt) {
        this.jti = jti;
        this.username = username;
        this.expiresAt = expiresAt;
    }

    public String username() {
        return username;
    }

    public String jti() {
        return jti;
    }

    public Instant expiresAt() {
        return expiresAt;
    }
}
