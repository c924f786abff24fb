package dev.parley.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection of the generator, and the last handler of its pipeline. It does the
 * handshake itself (rather than Netty's protocol handler) to keep the pipeline short for 50,000
 * sockets and to see close codes: it answers every ping with a pong, echoes the server's close
 * frame, and hands text frames to the scenario's listener. It is ready when the first frame of
 * the awaited type arrives ({@code connected} or {@code subscribed}).
 */
final class WsSocket extends ChannelInboundHandlerAdapter {

    /** Why a socket could not be opened: the HTTP status of a refused upgrade, or 0 for anything else. */
    static final class Refused extends IOException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    final CompletableFuture<WsSocket> ready = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** When the bench started to connect, and when the awaited first frame came (bench nanos). */
    final long startedAt = BenchClock.now();

    volatile long readyAt;

    private final WebSocketClientHandshaker handshaker;
    private final Frames.Type readyType;
    private final FrameListener listener;
    private volatile Channel channel;
    private volatile boolean byBench;
    private volatile int closeCode;
    private volatile int pings;

    WsSocket(WebSocketClientHandshaker handshaker, Frames.Type readyType, FrameListener listener) {
        this.handshaker = handshaker;
        this.readyType = readyType;
        this.listener = listener;
    }

    FrameListener listener() {
        return listener;
    }

    Channel channel() {
        return channel;
    }

    boolean isOpen() {
        Channel c = channel;
        return c != null && c.isActive() && closeCode == 0;
    }

    /** The close code once closed (1006 when no close frame came), else 0. */
    int closeCode() {
        return closeCode;
    }

    boolean closedByBench() {
        return byBench;
    }

    int pings() {
        return pings;
    }

    /** Handshake latency: connect start to the awaited first frame, in nanos. */
    long readyNanos() {
        return readyAt - startedAt;
    }

    /** Queues one text frame; safe from any thread. */
    void send(String text) {
        Channel c = channel;
        if (c != null) {
            c.writeAndFlush(new TextWebSocketFrame(text), c.voidPromise());
        }
    }

    /** A normal close: our close frame, then the server's answer ends the connection (or 10 s). */
    void close() {
        Channel c = channel;
        byBench = true;
        if (c == null || !c.isActive()) {
            return;
        }
        c.eventLoop().execute(() -> {
            if (!c.isActive()) {
                return;
            }
            c.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
            c.eventLoop()
                    .schedule(
                            () -> {
                                c.close();
                            },
                            10,
                            TimeUnit.SECONDS);
        });
    }

    /** Drops the connection without a close frame: SO_LINGER 0 makes the kernel send a RST. */
    void abort() {
        Channel c = channel;
        byBench = true;
        if (c == null) {
            return;
        }
        c.eventLoop().execute(() -> {
            if (c.isOpen()) {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
                c.close();
            }
        });
    }

    /** Stops reading, as a stuck or vanished client does: frames pile up, pings go unanswered. */
    void pause() {
        Channel c = channel;
        if (c != null) {
            c.config().setAutoRead(false);
        }
    }

    void resume() {
        Channel c = channel;
        if (c != null) {
            c.config().setAutoRead(true);
            c.read();
        }
    }

    /** Runs on this socket's event loop, where its listener's state lives. */
    void onLoop(Runnable task) {
        Channel c = channel;
        if (c != null) {
            c.eventLoop().execute(task);
        } else {
            task.run();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        handshaker.handshake(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!handshaker.isHandshakeComplete()) {
                if (msg instanceof FullHttpResponse response) {
                    try {
                        handshaker.finishHandshake(ctx.channel(), response);
                    } catch (WebSocketClientHandshakeException refused) {
                        int status = refused.response() == null
                                ? 0
                                : refused.response().status().code();
                        ready.completeExceptionally(new Refused(status, "upgrade refused with HTTP " + status));
                        ctx.close();
                    }
                }
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                if (!ready.isDone() && Frames.type(text.content()) == readyType) {
                    readyAt = BenchClock.now();
                    ready.complete(this);
                }
                listener.onText(this, text.content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                pings++;
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), ctx.voidPromise());
            } else if (msg instanceof CloseWebSocketFrame close) {
                closeCode = close.statusCode() < 0 ? 1005 : close.statusCode();
                if (byBench) {
                    ctx.close();
                } else {
                    // the server closed first: echo its frame, as the protocol asks, then hang up
                    ctx.writeAndFlush(new CloseWebSocketFrame(
                                    true, 0, close.content().retain()))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeCode == 0) {
            closeCode = 1006;
        }
        if (!ready.isDone()) {
            ready.completeExceptionally(new Refused(0, "connection closed (" + closeCode + ") before the first frame"));
        }
        closed.complete(closeCode);
        listener.onClose(this, closeCode, byBench);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ready.isDone()) {
            ready.completeExceptionally(cause);
        }
        ctx.close();
    }
}
