package dev.parley.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * REST message posts under load: a few keep-alive HTTP/1.1 connections on Netty, one request in
 * flight on each, the rest waiting in a bounded queue. Everything runs on one event loop, so
 * the queue needs no locks. A request whose connection drops is sent once more; the
 * {@code client_id} makes that safe (the server answers a repeat with the first message).
 */
final class RestSender {

    /** One post: room index (for the bookkeeping) and id, the token of a member, the JSON body. */
    record Post(int room, long roomId, String token, String body, long scheduled, int attempt) {
        Post again() {
            return new Post(room, roomId, token, body, scheduled, attempt + 1);
        }
    }

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress server;
    private final int maxConnections;
    private final int maxBacklog;
    private final Sends sends;
    private final ArrayDeque<Post> backlog = new ArrayDeque<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final java.util.Set<Channel> all = new java.util.HashSet<>();
    private boolean closed;
    private int connections;
    private volatile int retries;
    private volatile int connectFailures;
    private volatile int opened;

    RestSender(SocketClient client, int maxConnections, int maxBacklog, Sends sends) {
        this.loop = client.group().next();
        this.server = new InetSocketAddress(SocketClient.LOOPBACK, client.port());
        this.maxConnections = maxConnections;
        this.maxBacklog = maxBacklog;
        this.sends = sends;
        this.bootstrap = client.bootstrapOn(loop);
    }

    /** Queues a post; safe from any thread. Counts it as skipped when the backlog is full. */
    void submit(Post post) {
        sends.sent();
        loop.execute(() -> {
            if (closed) {
                return;
            }
            if (backlog.size() >= maxBacklog) {
                sends.skipped();
                return;
            }
            backlog.add(post);
            pump();
        });
    }

    /** Posts sent a second time because their connection dropped. */
    int retries() {
        return retries;
    }

    int connectFailures() {
        return connectFailures;
    }

    /** Connections opened in all (the server may close keep-alive ones after so many requests). */
    int opened() {
        return opened;
    }

    /** Drops what is still queued and closes every connection, so nothing spills into the next scenario. */
    void close() {
        loop.execute(() -> {
            closed = true;
            backlog.clear();
            idle.clear();
            all.forEach(Channel::close);
        });
    }

    private void pump() {
        while (!closed && !backlog.isEmpty()) {
            Connection c = idle.poll();
            if (c == null) {
                if (connections < maxConnections) {
                    connect();
                }
                return;
            }
            if (!c.channel.isActive()) {
                continue;
            }
            c.send(backlog.poll());
        }
    }

    private void connect() {
        connections++;
        opened++;
        Connection connection = new Connection();
        bootstrap
                .clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), connection);
                    }
                })
                .connect(server)
                .addListener(done -> {
                    if (!done.isSuccess()) {
                        // the backlog stays; the next submit tries again, and what never goes out shows as unanswered
                        connections--;
                        connectFailures++;
                    }
                });
    }

    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        private Channel channel;
        private Post inFlight;
        private boolean used;

        void send(Post post) {
            inFlight = post;
            write();
        }

        private void write() {
            ByteBuf body = Unpooled.copiedBuffer(inFlight.body(), StandardCharsets.UTF_8);
            FullHttpRequest request = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/rooms/" + inFlight.roomId() + "/messages", body);
            request.headers()
                    .set(HttpHeaderNames.HOST, "127.0.0.1:" + server.getPort())
                    .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + inFlight.token())
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            channel.writeAndFlush(request, channel.voidPromise());
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (closed) {
                ctx.close();
                return;
            }
            all.add(channel);
            if (used) {
                return;
            }
            used = true;
            idle.add(this);
            pump();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Post post = inFlight;
            inFlight = null;
            long now = BenchClock.now();
            int status = response.status().code();
            if (post != null) {
                if (status == 201 || status == 200) {
                    long seq = Frames.number(response.content(), Frames.SEQ);
                    sends.restAnswered(post.room(), seq, post.scheduled(), now);
                } else {
                    sends.failed(
                            "REST HTTP " + status + " " + response.content().toString(StandardCharsets.UTF_8));
                }
            }
            if (HttpUtil.isKeepAlive(response)) {
                idle.add(this);
                pump();
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections--;
            all.remove(ctx.channel());
            idle.remove(this);
            Post post = inFlight;
            inFlight = null;
            if (post != null) {
                if (post.attempt() == 0) {
                    // the same client_id again: the server stores it once whatever happened to the first try
                    backlog.addFirst(post.again());
                    retries++;
                } else {
                    sends.failed("REST connection dropped twice");
                }
            }
            pump();
            if (!closed && !backlog.isEmpty() && connections == 0) {
                connect();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
