package dev.parley.cluster.control;

import dev.parley.realtime.entity.ServerFrame;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's presence, for the others: one change (a user's connections in a room on that node,
 * 0 when none are left), or a snapshot of all of them, which also says the node is alive.
 */
record PresenceNote(String node, boolean snapshot, List<Entry> entries) {

    record Entry(long room, String user, String name, int connections) {}

    private static final JsonProvider JSON = JsonProvider.provider();

    static PresenceNote change(String node, long room, String user, ServerFrame.Online online) {
        return new PresenceNote(
                node,
                false,
                List.of(
                        online == null
                                ? new Entry(room, user, user, 0)
                                : new Entry(room, user, online.displayName(), online.connections())));
    }

    static PresenceNote snapshot(String node, Map<Long, Map<String, ServerFrame.Online>> rooms) {
        List<Entry> entries = new ArrayList<>();
        rooms.forEach((room, users) -> users.values()
                .forEach(online ->
                        entries.add(new Entry(room, online.username(), online.displayName(), online.connections()))));
        return new PresenceNote(node, true, entries);
    }

    /** The entries by room and user; users with no connections left are not in it. */
    Map<Long, Map<String, ServerFrame.Online>> rooms() {
        Map<Long, Map<String, ServerFrame.Online>> rooms = new HashMap<>();
        for (Entry e : entries) {
            if (e.connections() > 0) {
                rooms.computeIfAbsent(e.room(), r -> new HashMap<>()).put(e.user(), online(e));
            }
        }
        return rooms;
    }

    static ServerFrame.Online online(Entry e) {
        return e.connections() > 0 ? new ServerFrame.Online(e.user(), e.name(), e.connections()) : null;
    }

    String json() {
        JsonArrayBuilder list = JSON.createArrayBuilder();
        entries.forEach(e -> list.add(JSON.createObjectBuilder()
                .add("room", e.room())
                .add("user", e.user())
                .add("name", e.name())
                .add("connections", e.connections())));
        return JSON.createObjectBuilder()
                .add("node", node)
                .add("snapshot", snapshot)
                .add("entries", list)
                .build()
                .toString();
    }

    static PresenceNote parse(String json) {
        try (var reader = JSON.createReader(new StringReader(json))) {
            JsonObject o = reader.readObject();
            List<Entry> entries = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("entries")) {
                JsonObject e = v.asJsonObject();
                entries.add(new Entry(
                        e.getJsonNumber("room").longValue(),
                        e.getString("user"),
                        e.getString("name"),
                        e.getInt("connections")));
            }
            return new PresenceNote(o.getString("node"), o.getBoolean("snapshot"), entries);
        }
    }
}
