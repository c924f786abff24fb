package dev.parley.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.User;
import dev.parley.cluster.control.Fanout;
import dev.parley.messages.control.History;
import dev.parley.messages.control.SendBatch;
import dev.parley.messages.control.SendBatch.Send;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.messages.entity.Posted;
import dev.parley.rooms.control.Memberships;
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
    SendBatch batch;

    @Inject
    History history;

    @Inject
    Accounts accounts;

    @Inject
    Rooms rooms;

    @Inject
    Memberships memberships;

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
        Posted doomed = batch.store(List.of(new Send(user, room, new Draft("doomed", null, null))), false)
                .get(0)
                .posted();
        assertEquals(1, doomed.message().seq(), "stored inside the transaction");
        transaction.rollback();

        assertEquals(List.of(), recorder.seen(room), "no observer saw the rolled-back message");
        assertEquals(publishedBefore, fanout.published());
        assertEquals(List.of(), history.page(user, room, null, null, 50).messages(), "and nothing was stored");

        Posted kept = batch.store(List.of(new Send(user, room, new Draft("kept", null, null))), false)
                .get(0)
                .posted();
        assertEquals(1, kept.message().seq(), "the rolled-back seq is free again: no gap");
        List<MessagePosted> seen = recorder.seen(room);
        assertEquals(List.of(new MessagePosted(kept.message())), seen);
        assertTrue(recorder.committedWhenSeen(), "observers run after the commit");
        assertEquals(publishedBefore + 1, fanout.published());
    }

    @Test
    void aBatchKeepsEachSendsRules() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        User alice = accounts.register("ba_" + tag, null, null);
        User bob = accounts.register("bb_" + tag, null, null);
        long open = rooms.create(alice, "batch", null, Visibility.PUBLIC).id();
        long secret = rooms.create(bob, "secret", null, Visibility.PRIVATE).id();
        long bobs = rooms.create(bob, "bobs", null, Visibility.PUBLIC).id();
        long nowhere = Long.MAX_VALUE;

        List<SendBatch.Outcome> outcomes = batch.store(
                List.of(
                        new Send(alice, open, new Draft("one", "x", null)),
                        new Send(alice, secret, new Draft("secret", null, null)),
                        new Send(alice, bobs, new Draft("outsider", null, null)),
                        new Send(alice, open, new Draft("two", "y", null)),
                        new Send(alice, open, new Draft("one again", "x", null)),
                        new Send(alice, nowhere, new Draft("lost", null, null)),
                        new Send(bob, bobs, new Draft("his", null, null))),
                false);

        assertEquals(7, outcomes.size());
        Posted one = outcomes.get(0).posted();
        assertEquals(
                List.of(1L, "one", false),
                List.of(one.message().seq(), one.message().content(), one.duplicate()));
        assertEquals("room_not_found", outcomes.get(1).refusal().code(), "a private room does not exist for outsiders");
        assertEquals("not_member", outcomes.get(2).refusal().code(), "a public room refuses non-members");
        assertNull(outcomes.get(2).posted());
        Posted two = outcomes.get(3).posted();
        assertEquals(
                List.of(2L, "two", false),
                List.of(two.message().seq(), two.message().content(), two.duplicate()));
        Posted again = outcomes.get(4).posted();
        assertTrue(again.duplicate(), "the same client_id in one batch is a repeat, without the look-up too");
        assertEquals(one.message(), again.message(), "and answers with the first message, unchanged");
        assertEquals("room_not_found", outcomes.get(5).refusal().code());
        assertEquals(1, outcomes.get(6).posted().message().seq(), "seq is per room");
        assertFalse(outcomes.get(6).posted().duplicate());

        assertEquals(
                List.of(new MessagePosted(one.message()), new MessagePosted(two.message())),
                recorder.seen(open),
                "one event per stored message, in seq order");
        assertTrue(recorder.committedWhenSeen(), "observers run after the commit");
        assertEquals(
                List.of("one", "two"),
                history.page(alice, open, null, null, 50).messages().stream()
                        .map(m -> m.content())
                        .toList());

        long other = rooms.create(alice, "batch 2", null, Visibility.PUBLIC).id();
        memberships.join(bob, open);
        List<SendBatch.Outcome> laterOutcomes = batch.store(
                List.of(
                        new Send(alice, open, new Draft("one later", "x", null)),
                        new Send(alice, other, new Draft("x elsewhere", "x", null)),
                        new Send(bob, open, new Draft("his x", "x", null))),
                true);
        Posted later = laterOutcomes.get(0).posted();
        assertTrue(later.duplicate(), "a client_id stored by an earlier batch is a repeat too");
        assertEquals(
                List.of(one.message().id(), 1L, "one"),
                List.of(
                        later.message().id(),
                        later.message().seq(),
                        later.message().content()));
        Posted elsewhere = laterOutcomes.get(1).posted();
        assertEquals(
                List.of(false, 1L, "x elsewhere"),
                List.of(
                        elsewhere.duplicate(),
                        elsewhere.message().seq(),
                        elsewhere.message().content()),
                "the same client_id in another room is a new message");
        Posted his = laterOutcomes.get(2).posted();
        assertEquals(
                List.of(false, 3L, "his x"),
                List.of(his.duplicate(), his.message().seq(), his.message().content()),
                "and so is another sender's");
        assertEquals(
                List.of("one", "two", "his x"),
                recorder.seen(open).stream().map(e -> e.message().content()).toList(),
                "a repeat fires nothing");
    }

    @Test
    void withoutTheLookUpARepeatOfAStoredMessageRollsItsBatchBackWhole() {
        User alice = accounts.register("rb_" + UUID.randomUUID().toString().substring(0, 8), null, null);
        long room = rooms.create(alice, "repeat", null, Visibility.PUBLIC).id();
        Posted first = batch.store(List.of(new Send(alice, room, new Draft("first", "k", null))), false)
                .get(0)
                .posted();

        List<Send> sends = List.of(
                new Send(alice, room, new Draft("new", null, null)),
                new Send(alice, room, new Draft("first again", "k", null)));
        assertThrows(RuntimeException.class, () -> batch.store(sends, false), "the idempotency index refuses it");
        assertEquals(
                List.of("first"),
                history.page(alice, room, null, null, 50).messages().stream()
                        .map(m -> m.content())
                        .toList(),
                "nothing of the batch was stored");
        assertEquals(List.of(new MessagePosted(first.message())), recorder.seen(room), "and nothing fired");

        List<SendBatch.Outcome> again = batch.store(sends, true);
        assertEquals(
                List.of(2L, "new", false),
                List.of(
                        again.get(0).posted().message().seq(),
                        again.get(0).posted().message().content(),
                        again.get(0).posted().duplicate()),
                "stored again with the look-up: the rolled-back seq is taken, no gap");
        assertEquals(first.message(), again.get(1).posted().message());
        assertTrue(again.get(1).posted().duplicate(), "and the repeat answers with the first message");
    }
}
