package dev.parley.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A room's stored messages over REST: the reference the sockets are checked against. */
public final class RoomHistory {

    private RoomHistory() {}

    /** Every stored message, ascending, paged forwards 200 at a time. */
    public static List<JsonObject> all(Api api, Users.User reader, long room) {
        return between(api, reader, room, 0, Long.MAX_VALUE, 200);
    }

    /**
     * The messages with {@code after < seq <= upTo}, paged forwards {@code limit} at a time with
     * {@code after} and {@code has_more}, exactly as a client pages a gap.
     */
    public static List<JsonObject> between(Api api, Users.User reader, long room, long after, long upTo, int limit) {
        List<JsonObject> messages = new ArrayList<>();
        long cursor = after;
        while (cursor < upTo) {
            Api.Reply page =
                    api.get("/rooms/" + room + "/messages?after=" + cursor + "&limit=" + limit, reader.token());
            assertEquals(200, page.status(), page::toString);
            List<JsonObject> batch = page.json().getJsonArray("messages").getValuesAs(JsonObject.class);
            assertTrue(batch.size() <= limit, "a page of " + batch.size() + " for limit " + limit);
            for (JsonObject m : batch) {
                long seq = m.getJsonNumber("seq").longValue();
                assertTrue(seq > cursor, "after=" + cursor + " returned seq " + seq);
                if (seq <= upTo) {
                    messages.add(m);
                }
                cursor = seq;
            }
            if (batch.isEmpty() || !page.json().getBoolean("has_more")) {
                break;
            }
        }
        return messages;
    }
}
