package dev.parley.cluster.control;

import dev.parley.messages.entity.MessageDeleted;
import dev.parley.messages.entity.MessageEdited;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.platform.control.Meters;
import dev.parley.realtime.control.EncodedFrame;
import dev.parley.realtime.control.LocalDelivery;
import dev.parley.realtime.control.RoomEvent;
import dev.parley.realtime.entity.ServerFrame;
import dev.parley.rooms.entity.MarkerMoved;
import dev.parley.rooms.entity.MembershipEnded;
import dev.parley.rooms.entity.MembershipStarted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where committed changes leave their transaction for live delivery: messages,
 * edits, deletes, read markers and memberships. Only AFTER_SUCCESS, so a change that rolls back
 * is never announced. Each becomes a {@link RoomEvent} with its frame encoded once, here; one
 * node hands it straight to its own connections, which only queue it, so the committing thread
 * is never held by a socket. In cluster mode
 * it also goes to the other nodes, which deliver it to theirs.
 */
@ApplicationScoped
public class Fanout {

    private final AtomicLong published = new AtomicLong();

    @Inject
    LocalDelivery local;

    @Inject
    ClusterBus cluster;

    @Inject
    Meters meters;

    void posted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessagePosted event) {
        var message = event.message();
        meters.add(Meters.Count.MESSAGES_POSTED);
        publish(new RoomEvent.Posted(
                message.roomId(),
                message.seq(),
                EncodedFrame.of(new ServerFrame.Message(message)).live()));
    }

    void edited(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageEdited event) {
        publish(new RoomEvent.Changed(
                event.message().roomId(), EncodedFrame.of(new ServerFrame.Edited(event.message()))));
    }

    void deleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageDeleted event) {
        publish(new RoomEvent.Changed(
                event.roomId(), EncodedFrame.of(new ServerFrame.Deleted(event.roomId(), event.seq(), event.id()))));
    }

    void markerMoved(@Observes(during = TransactionPhase.AFTER_SUCCESS) MarkerMoved event) {
        publish(new RoomEvent.Changed(
                event.roomId(), EncodedFrame.of(new ServerFrame.Read(event.roomId(), event.username(), event.seq()))));
    }

    void membershipStarted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MembershipStarted event) {
        publish(new RoomEvent.Joined(event.roomId(), event.username(), event.since()));
    }

    void membershipEnded(@Observes(during = TransactionPhase.AFTER_SUCCESS) MembershipEnded event) {
        publish(new RoomEvent.Left(event.roomId(), event.username(), event.roomDeleted()));
    }

    /**
     * A frame of the moment, never stored (the assistant's chunks and errors), to the room's
     * subscribers on this node and the others. It goes through the room's lane, so it keeps its
     * place among the room's committed events.
     */
    public void announce(long roomId, ServerFrame frame) {
        publish(new RoomEvent.Changed(roomId, EncodedFrame.of(frame)));
    }

    private void publish(RoomEvent event) {
        published.incrementAndGet();
        local.deliver(event);
        cluster.publish(event);
    }

    /** Room events announced by this node so far. */
    public long published() {
        return published.get();
    }
}
