package dev.parley.messages.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.Refusal;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.Room;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.TransactionalException;

/**
 * Direct messages: the pair's one room is found or created, then the message goes through the
 * one send path. Not transactional itself: creating the room commits on its own, so that when
 * both people write first at once, the loser's unique violation costs only a second lookup.
 */
@ApplicationScoped
public class Directs {

    @Inject
    Accounts accounts;

    @Inject
    Rooms rooms;

    @Inject
    GroupCommit groupCommit;

    public Posted send(User from, String username, Draft draft) {
        User to = accounts.byUsername(username).orElseThrow(() -> Refusal.notFound("no user " + username));
        if (to.id().equals(from.id())) {
            throw Refusal.invalid("username", "you cannot send a direct message to yourself");
        }
        return groupCommit.post(from, roomOf(from, to).id(), draft);
    }

    private Room roomOf(User a, User b) {
        return rooms.direct(a, b).orElseGet(() -> {
            try {
                return rooms.createDirect(a, b);
            } catch (PersistenceException | TransactionalException raced) {
                return rooms.direct(a, b).orElseThrow(() -> raced);
            }
        });
    }
}
