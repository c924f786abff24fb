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
        assertRegistered(
                api.post("/auth/register", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}", null));
        return logIn(api, name);
    }

    /**
     * A registration of a fresh random name went through: 201, or 409 when {@link Api#send} met
     * Payara's recycled-request race and sent it again. That race can fail the answer after
     * Parley's code ran, and then the first attempt had made the account; nobody else can hold
     * the name.
     */
    public static void assertRegistered(Api.Reply registered) {
        if (registered.status() == 409 && Api.CONTAINER_CRASHES.get() > 0) {
            return;
        }
        assertEquals(201, registered.status(), registered::toString);
    }

    /** Logs in a user registered with {@link #PASSWORD}. */
    public static User logIn(Api api, String name) {
        var login = api.post("/auth/login", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}", null);
        assertEquals(200, login.status(), login::toString);
        return new User(
                name,
                login.json().getString("token"),
                login.json().getJsonObject("user").getJsonNumber("id").longValue());
    }
}
