package dev.parley.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.User;
import dev.parley.cluster.control.Fanout;
import dev.parley.messages.control.History;
import dev.parley.messages.control.Messages;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.messages.entity.Posted;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.Visibility;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.TestDatabase;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * Runs inside the server: the send path fires its event in the transaction, and only a
 * commit lets the AFTER_SUCCESS observers see it.
 */
@ParleyTest
class SendPathIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.parley().addClasses(PostedRecorder.class, ParleyTest.class, TestDatabase.class);
    }

    @Inject
    Messages messages;

    @Inject
    History history;

    @Inject
    Accounts accounts;

    @Inject
    Rooms rooms;

    @Inject
    Fanout fanout;

    @Inject
    PostedRecorder recorder;

    @Inject
    UserTransaction transaction;

    @Test
    void aRolledBackSendFiresNothing() throws Exception {
        User user = accounts.register("tx_" + UUID.randomUUID().toString().substring(0, 8), null, null);
        long room = rooms.create(user, "rollback", null, Visibility.PUBLIC).id();
        long publishedBefore = fanout.published();

        transaction.begin();
        Posted doomed = messages.post(user, room, new Draft("doomed", null, null));
        assertEquals(1, doomed.message().seq(), "stored inside the transaction");
        transaction.rollback();

        assertEquals(List.of(), recorder.seen(room), "no observer saw the rolled-back message");
        assertEquals(publishedBefore, fanout.published());
        assertEquals(List.of(), history.page(user, room, null, null, 50).messages(), "and nothing was stored");

        Posted kept = messages.post(user, room, new Draft("kept", null, null));
        assertEquals(1, kept.message().seq(), "the rolled-back seq is free again: no gap");
        List<MessagePosted> seen = recorder.seen(room);
        assertEquals(List.of(new MessagePosted(kept.message())), seen);
        assertTrue(recorder.committedWhenSeen(), "observers run after the commit");
        assertEquals(publishedBefore + 1, fanout.published());
    }
}
