package dev.parley.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * The generator's sockets: one Netty event loop group (one thread by default, as the generator
 * has one core) for every WebSocket and REST connection of a run. Destinations are always
 * 127.0.0.1; source addresses may be any of 127.0.0.x, so that more sockets fit than one
 * address has ephemeral ports.
 */
final class SocketClient implements AutoCloseable {

    /** The bench's main source address; others are used only past one address's share of ports. */
    static final InetAddress LOOPBACK = address(1);

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    /** Node ports: one, or two in a cluster run. Sockets go to node 0 unless told otherwise. */
    private final int[] ports;

    private final Duration timeout;
    private final boolean tokenInQuery;

    SocketClient(int threads, int[] ports, Duration timeout, boolean tokenInQuery) {
        this.tokenInQuery = tokenInQuery;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.ports = ports.clone();
        this.timeout = timeout;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
    }

    EventLoopGroup group() {
        return group;
    }

    /** A bootstrap like the sockets' but bound to one event loop (for the REST sender's lock-free queue). */
    Bootstrap bootstrapOn(io.netty.channel.EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
    }

    int port() {
        return ports[0];
    }

    int nodes() {
        return ports.length;
    }

    /**
     * Starts a handshake with {@code path} (e.g. /ws/chat/8) as the token's user, with an Origin
     * and the token in a Bearer header (or in the query, as a browser sends it); the socket is
     * ready when a frame of {@code readyType} arrives.
     */
    WsSocket open(String path, String token, InetAddress local, Frames.Type readyType, FrameListener listener) {
        return open(0, path, token, local, readyType, listener, 0);
    }

    /**
     * As above, on node {@code node} of a cluster run (0 otherwise), with a fixed receive buffer
     * ({@code receiveBuffer} bytes; 0 leaves the kernel's autotuning).
     */
    WsSocket open(
            int node,
            String path,
            String token,
            InetAddress local,
            Frames.Type readyType,
            FrameListener listener,
            int receiveBuffer) {
        int port = ports[node];
        // the browser origin the handshake filter allows (http://localhost:*)
        String origin = "http://localhost:" + port;
        HttpHeaders headers = new DefaultHttpHeaders().set("Origin", origin);
        String target = "ws://127.0.0.1:" + port + path;
        if (tokenInQuery) {
            // tokens are base64url and dots: nothing to escape
            target += (path.contains("?") ? "&" : "?") + "token=" + token;
        } else {
            headers.set("Authorization", "Bearer " + token);
        }
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                URI.create(target), WebSocketVersion.V13, null, false, headers, 1 << 20);
        WsSocket socket = new WsSocket(handshaker, readyType, listener);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), socket);
            }
        });
        if (receiveBuffer > 0) {
            b.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        InetSocketAddress remote = new InetSocketAddress(LOOPBACK, port);
        ChannelFuture connect;
        if (local == null || local.equals(LOOPBACK)) {
            // the kernel picks the port per destination, which leaves the most ports free
            connect = b.connect(remote);
        } else {
            connect = b.option(ChannelOption.SO_REUSEADDR, true).connect(remote, new InetSocketAddress(local, 0));
        }
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                socket.ready.completeExceptionally(done.cause());
                socket.closed.complete(1006);
                return;
            }
            var timer = connect.channel()
                    .eventLoop()
                    .schedule(
                            () -> {
                                if (socket.ready.completeExceptionally(
                                        new TimeoutException("no first frame within " + timeout.toSeconds() + " s"))) {
                                    connect.channel().close();
                                }
                            },
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
            socket.ready.whenComplete((s, e) -> timer.cancel(false));
        });
        return socket;
    }

    /** The outcome of opening many sockets. */
    record Opened(List<WsSocket> sockets, List<Throwable> failures, long nanos) {
        /** Fails when any could not be opened, after closing those that could. */
        void requireAll(String what) {
            if (!failures.isEmpty()) {
                sockets.forEach(WsSocket::abort);
                Throwable first = failures.get(0);
                throw new IllegalStateException(
                        failures.size() + " of " + (sockets.size() + failures.size()) + " " + what
                                + " could not be opened; first: " + first,
                        first);
            }
        }
    }

    /**
     * Opens {@code count} sockets, at most {@code concurrency} handshakes in flight, and waits
     * (bounded) for all to be ready or failed.
     */
    Opened openAll(int count, int concurrency, IntFunction<WsSocket> start) throws InterruptedException {
        long begin = BenchClock.now();
        Semaphore inFlight = new Semaphore(concurrency);
        List<WsSocket> started = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                break;
            }
            WsSocket socket = start.apply(i);
            socket.ready.whenComplete((s, e) -> inFlight.release());
            started.add(socket);
        }
        List<WsSocket> ok = new ArrayList<>(count);
        List<Throwable> failures = new ArrayList<>();
        for (WsSocket socket : started) {
            try {
                socket.ready.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
                ok.add(socket);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause());
            } catch (TimeoutException e) {
                failures.add(e);
            }
        }
        for (int i = started.size(); i < count; i++) {
            failures.add(new TimeoutException(
                    "not started: no handshake slot freed within " + timeout.toSeconds() * 2 + " s"));
        }
        long nanos = ok.stream().mapToLong(s -> s.readyAt).max().orElse(BenchClock.now()) - begin;
        return new Opened(ok, failures, nanos);
    }

    /** Closes all normally and waits (bounded) for them to be gone. */
    void closeAll(List<WsSocket> sockets, Duration atMost) throws InterruptedException {
        sockets.forEach(WsSocket::close);
        int open = awaitClosed(sockets, atMost);
        if (open > 0) {
            Rig.log(open + " of " + sockets.size() + " sockets still open " + atMost.toSeconds()
                    + " s after closing them");
        }
    }

    /** Waits until every socket is closed or the time is up; answers how many are still open. */
    static int awaitClosed(List<WsSocket> sockets, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        int open = 0;
        for (WsSocket s : sockets) {
            long left = deadline - System.nanoTime();
            try {
                s.closed.get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                open++;
            }
        }
        return open;
    }

    /**
     * Waits until every event loop has run everything queued before now: afterwards this thread
     * sees all that the listeners did up to that point.
     */
    void fence() throws InterruptedException {
        for (EventExecutor loop : group) {
            try {
                loop.submit(() -> {}).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                throw new IllegalStateException("event loop did not answer: " + e, e);
            }
        }
    }

    /** The source address 127.0.0.{n}. */
    static InetAddress address(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The source address of the i-th socket when each address takes {@code perAddress} sockets. */
    static InetAddress spread(int i, int perAddress) {
        int n = 1 + i / Math.max(1, perAddress);
        if (n > 254) {
            throw new IllegalArgumentException("more sockets than 254 source addresses hold");
        }
        return address(n);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
