package dev.parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One room with many subscriber sockets and one publisher socket, as the fanout and slow
 * scenarios use it. Subscriber i is user i mod users; the publisher is the room's owner.
 */
final class FanoutRoom {

    final long room;
    final List<WsSocket> sockets;
    final List<Subscriber> subscribers;
    final WsSocket publisher;
    final long openNanos;

    private FanoutRoom(long room, List<WsSocket> sockets, WsSocket publisher, long openNanos) {
        this.room = room;
        this.sockets = sockets;
        this.subscribers = sockets.stream().map(s -> (Subscriber) s.listener()).toList();
        this.publisher = publisher;
        this.openNanos = openNanos;
    }

    /**
     * Creates the room, joins every user to it, opens the subscribers and then the publisher.
     * {@code firstReceiveBuffer} (bytes, 0 for the kernel's default) fixes subscriber 0's receive buffer.
     */
    static FanoutRoom open(
            Rig rig, String name, int count, IntFunction<Deliveries> sinkOf, Sends sends, int firstReceiveBuffer)
            throws Exception {
        long room = rig.roomForAll(name);
        String path = "/ws/chat/" + room;
        SocketClient.Opened opened = rig.client.openAll(
                count,
                rig.settings.connectConcurrency,
                // in a cluster run the subscribers alternate between the nodes; the publisher is on node 0
                i -> rig.client.open(
                        i % rig.client.nodes(),
                        path,
                        rig.user(i).token(),
                        SocketClient.spread(i, rig.settings.perAddress),
                        Frames.Type.SUBSCRIBED,
                        new Subscriber(sinkOf.apply(i), null, 0),
                        i == 0 ? firstReceiveBuffer : 0));
        opened.requireAll("subscriber sockets");
        WsSocket publisher = rig.client.open(
                path,
                rig.user(0).token(),
                SocketClient.LOOPBACK,
                Frames.Type.SUBSCRIBED,
                new Subscriber(null, sends, 0));
        try {
            publisher.ready.get(rig.settings.connectTimeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception failed) {
            // the next scenario must not inherit these sockets
            opened.sockets().forEach(WsSocket::abort);
            publisher.abort();
            throw failed;
        }
        return new FanoutRoom(room, new ArrayList<>(opened.sockets()), publisher, opened.nanos());
    }

    /** Sends the bench message due at {@code scheduled} from the publisher socket. */
    void publish(long index, long scheduled, int contentBytes, Sends sends) {
        sends.sent();
        publisher.send(Frames.messageFrame(0, Frames.content(scheduled, contentBytes), "c" + scheduled + "-" + index));
    }

    /** Puts every subscriber's seq check at {@code base}: everything after it is expected. */
    void expectAfter(SocketClient client, long base) throws InterruptedException {
        for (int i = 0; i < sockets.size(); i++) {
            Subscriber s = subscribers.get(i);
            sockets.get(i).onLoop(() -> s.seqs.reset(base));
        }
        client.fence();
    }

    void close(SocketClient client) throws InterruptedException {
        List<WsSocket> all = new ArrayList<>(sockets);
        all.add(publisher);
        client.closeAll(all, java.time.Duration.ofSeconds(30));
    }
}
