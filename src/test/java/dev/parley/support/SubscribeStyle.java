package dev.parley.support;

import static dev.parley.support.ChatClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;

/**
 * The three ways a client follows one room on the chat socket, each with an optional resume
 * point {@code since}: the room path, the {@code room} query parameter, and a {@code subscribe}
 * frame on the multiplexed socket.
 */
public enum SubscribeStyle {

    /** {@code /ws/chat/{room_id}?since=S}. */
    ROOM_PATH,
    /** {@code /ws/chat?room=N&since=S}. */
    ROOM_QUERY,
    /** {@code /ws/chat}, then {@code {"type":"subscribe","room_id":N,"since":S}}. */
    SUBSCRIBE_FRAME;

    public String pathAndQuery(long room, Long since) {
        return switch (this) {
            case ROOM_PATH -> "/ws/chat/" + room + (since == null ? "" : "?since=" + since);
            case ROOM_QUERY -> "/ws/chat?room=" + room + (since == null ? "" : "&since=" + since);
            case SUBSCRIBE_FRAME -> "/ws/chat";
        };
    }

    /**
     * Opens a socket for {@code user} that follows {@code room}, resuming after {@code since} when
     * it is not null. Returns past the {@code connected} frame (checked to name the user); the
     * {@code subscribed} frame is next, see {@link Subscribed#read}.
     */
    public ChatClient open(Api api, Users.User user, long room, Long since) {
        ChatClient client = ChatClient.to(api, pathAndQuery(room, since))
                .bearer(user.token())
                .open();
        JsonObject connected = client.next("connected");
        assertEquals(user.name(), connected.getJsonObject("user").getString("username"), connected::toString);
        if (this == SUBSCRIBE_FRAME) {
            client.send(
                    since == null
                            ? frame("type", "subscribe", "room_id", room)
                            : frame("type", "subscribe", "room_id", room, "since", since));
        }
        return client;
    }
}
