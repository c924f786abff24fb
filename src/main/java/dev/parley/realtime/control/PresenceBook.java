package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in which room on the OTHER nodes of a cluster, as they announce it: each node's entries
 * by room and user, replaced whole by the node's periodic snapshot and dropped when the node has
 * not been heard for the TTL (a node that died leaves no ghosts). One node: always empty.
 * A change that turns a user present or absent in a room, counting every node, is passed to
 * that room's channel here, which tells its subscribers.
 */
@ApplicationScoped
public class PresenceBook {

    @Inject
    SessionRegistry registry;

    // node -> room -> username -> that node's connections of the user in the room
    private final Map<String, Map<Long, Map<String, ServerFrame.Online>>> nodes = new HashMap<>();
    private final Map<String, Long> heardAt = new HashMap<>();

    /** The users present in the room on other nodes, their connections added up. */
    public synchronized Map<String, ServerFrame.Online> elsewhere(long roomId) {
        Map<String, ServerFrame.Online> merged = new LinkedHashMap<>();
        for (Map<Long, Map<String, ServerFrame.Online>> rooms : nodes.values()) {
            rooms.getOrDefault(roomId, Map.of())
                    .forEach((user, online) -> merged.merge(user, online, ServerFrame.Online::plus));
        }
        return merged;
    }

    /** One user's connections in one room on {@code node} changed; {@code online} null: none left. */
    public void changed(String node, long roomId, String username, ServerFrame.Online online) {
        boolean before;
        synchronized (this) {
            before = elsewhere(roomId).containsKey(username);
            Map<String, ServerFrame.Online> room =
                    nodes.computeIfAbsent(node, n -> new HashMap<>()).computeIfAbsent(roomId, r -> new HashMap<>());
            if (online == null) {
                room.remove(username);
            } else {
                room.put(username, online);
            }
            heardAt.put(node, System.nanoTime());
        }
        registry.presenceElsewhere(roomId, username, before);
    }

    /** Everything a node has, replacing what was known of it; true when the node was not known before. */
    public boolean snapshot(String node, Map<Long, Map<String, ServerFrame.Online>> rooms) {
        return replace(node, rooms);
    }

    /** Forgets nodes not heard from within {@code ttlNanos}: their users leave on this node. */
    public void expire(long ttlNanos) {
        List<String> silent;
        synchronized (this) {
            long now = System.nanoTime();
            silent = heardAt.entrySet().stream()
                    .filter(e -> now - e.getValue() > ttlNanos)
                    .map(Map.Entry::getKey)
                    .toList();
        }
        silent.forEach(node -> replace(node, null));
    }

    private boolean replace(String node, Map<Long, Map<String, ServerFrame.Online>> rooms) {
        Map<Long, Set<String>> touched = new HashMap<>();
        Map<Long, Set<String>> presentBefore = new HashMap<>();
        boolean known;
        synchronized (this) {
            Map<Long, Map<String, ServerFrame.Online>> old = nodes.getOrDefault(node, Map.of());
            known = nodes.containsKey(node);
            for (Map<Long, Map<String, ServerFrame.Online>> side : rooms == null ? List.of(old) : List.of(old, rooms)) {
                side.forEach((room, users) ->
                        touched.computeIfAbsent(room, r -> new HashSet<>()).addAll(users.keySet()));
            }
            touched.keySet()
                    .forEach(room -> presentBefore.put(room, elsewhere(room).keySet()));
            if (rooms == null) {
                nodes.remove(node);
                heardAt.remove(node);
            } else {
                nodes.put(node, new HashMap<>(rooms));
                heardAt.put(node, System.nanoTime());
            }
        }
        touched.forEach((room, users) -> users.forEach(user ->
                registry.presenceElsewhere(room, user, presentBefore.get(room).contains(user))));
        return !known;
    }
}
