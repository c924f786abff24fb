package dev.parley.moderation.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.control.Admins;
import dev.parley.accounts.control.Bans;
import dev.parley.accounts.entity.User;
import dev.parley.messages.control.Messages;
import dev.parley.moderation.entity.LiveConnection;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.control.Disconnects;
import dev.parley.realtime.control.SessionRegistry;
import dev.parley.realtime.control.StreamTransport;
import dev.parley.rooms.control.Memberships;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Logger;

/**
 * What an admin may do to other people's use of the server. Every action leaves one audit line:
 * who, what, to whom (never a message body).
 */
@ApplicationScoped
public class Moderation {

    private static final Logger AUDIT = Logger.getLogger("dev.parley.audit");

    @Inject
    Admins admins;

    @Inject
    Accounts accounts;

    @Inject
    Bans bans;

    @Inject
    Messages messages;

    @Inject
    Memberships memberships;

    @Inject
    SessionRegistry registry;

    @Inject
    Disconnects disconnects;

    public List<LiveConnection> connections(User admin, String username) {
        admins.require(admin);
        User user = user(username);
        audit(admin, "list-connections", user.username());
        return registry.connectionsOf(user.username()).stream()
                .map(c -> new LiveConnection(
                        c.id(),
                        c.transport() instanceof StreamTransport ? "sse" : "websocket",
                        c.rooms().stream().sorted().toList(),
                        c.identity().expiresAt()))
                .toList();
    }

    public int disconnect(User admin, String username) {
        admins.require(admin);
        User user = user(username);
        int closed = disconnects.close(user.username(), null, "disconnected by an admin");
        audit(admin, "disconnect", user.username() + " (" + closed + " connections)");
        return closed;
    }

    public boolean ban(User admin, String username) {
        admins.require(admin);
        User user = user(username);
        if (admins.isAdmin(user)) {
            throw Refusal.conflict("an admin cannot be banned: remove them from parley.admin.users first");
        }
        boolean changed = bans.ban(user, admin.username());
        audit(admin, "ban", user.username() + (changed ? "" : " (already banned)"));
        return changed;
    }

    public boolean unban(User admin, String username) {
        admins.require(admin);
        User user = user(username);
        boolean changed = bans.unban(user);
        audit(admin, "unban", user.username() + (changed ? "" : " (was not banned)"));
        return changed;
    }

    public void deleteMessage(User admin, long roomId, long seq) {
        admins.require(admin);
        messages.moderate(roomId, seq);
        audit(admin, "delete-message", "room " + roomId + " seq " + seq);
    }

    public void deleteRoom(User admin, long roomId) {
        admins.require(admin);
        memberships.deleteRoom(roomId);
        audit(admin, "delete-room", "room " + roomId);
    }

    private User user(String username) {
        return accounts.byUsername(username).orElseThrow(() -> Refusal.notFound("no user " + username));
    }

    private static void audit(User admin, String action, String target) {
        AUDIT.info(() -> "admin=" + admin.username() + " action=" + action + " target=" + target);
    }
}
