package dev.parley.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

/** Registers throw-away users: names are unique per run, so tests share one database safely. */
public final class Users {

    public static final String PASSWORD = "correct horse battery";

    private Users() {}

    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A registered and logged-in user. */
    public record User(String name, String token, long id) {

        /** The same user presenting another of their tokens. */
        public User withToken(String other) {
            return new User(name, other, id);
        }
    }

    public static User create(Api api, String prefix) {
        String name = unique(prefix);
        var registered =
                api.post("/auth/register", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}", null);
        assertEquals(201, registered.status(), registered::toString);
        var login = api.post("/auth/login", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}", null);
        assertEquals(200, login.status(), login::toString);
        return new User(
                name,
                login.json().getString("token"),
                registered.json().getJsonNumber("id").longValue());
    }
}
