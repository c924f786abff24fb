package dev.parley.bench;

import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** What every scenario works with: the settings, the server, its users, the sockets, the results. */
final class Rig {

    /** A measured window, for slicing the server's JFR recording afterwards. */
    record Profiled(String label, Instant from, Instant to) {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    final Settings settings;
    final ParleyServer server;
    final Setup setup;
    final SocketClient client;
    final ResultTable table;
    private final List<Setup.User> users;
    private final List<Profiled> profiled = new ArrayList<>();

    Rig(
            Settings settings,
            ParleyServer server,
            Setup setup,
            SocketClient client,
            List<Setup.User> users,
            ResultTable table) {
        this.settings = settings;
        this.server = server;
        this.setup = setup;
        this.client = client;
        this.users = users;
        this.table = table;
    }

    List<Setup.User> users() {
        return users;
    }

    Setup.User user(int i) {
        return users.get(i % users.size());
    }

    static void log(String line) {
        System.out.println("[" + LocalTime.now().format(TIME) + "] " + line);
    }

    /** Prints a problem so that nobody misses it. */
    static void loud(String line) {
        System.out.println("[" + LocalTime.now().format(TIME) + "] !!!!! " + line);
    }

    synchronized void profiled(String label, Instant from, Instant to) {
        profiled.add(new Profiled(label, from, to));
    }

    synchronized List<Profiled> profiledWindows() {
        return List.copyOf(profiled);
    }

    /** A room every user belongs to (created by the first, joined by the rest). */
    long roomForAll(String name) throws Exception {
        long room = setup.createRoom(user(0), name);
        List<java.util.concurrent.Callable<Void>> joins = new ArrayList<>();
        for (int i = 1; i < users.size(); i++) {
            Setup.User u = users.get(i);
            joins.add(() -> {
                setup.join(u, room);
                return null;
            });
        }
        setup.all(joins, 8);
        return room;
    }
}
