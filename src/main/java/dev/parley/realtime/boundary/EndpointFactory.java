package dev.parley.realtime.boundary;

import dev.parley.realtime.control.ChatProtocol;
import dev.parley.realtime.control.SocketLifecycle;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Makes the socket endpoints, one plain object per connection wired to the application's
 * beans. Left to the container, each connection's endpoint became a CDI-managed instance:
 * about two fifths of a handshake's CPU on Payara, and on servers where annotated endpoints are
 * not CDI beans at all, fields that were never injected. The beans are application-scoped, so
 * the references are looked up once and shared.
 */
public class EndpointFactory extends ServerEndpointConfig.Configurator {

    private static volatile SocketLifecycle lifecycle;
    private static volatile ChatProtocol protocol;

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass == ChatEndpoint.class) {
            return endpointClass.cast(new ChatEndpoint(lifecycle(), protocol()));
        }
        if (endpointClass == RoomEndpoint.class) {
            return endpointClass.cast(new RoomEndpoint(lifecycle(), protocol()));
        }
        throw new InstantiationException("no endpoint " + endpointClass.getName());
    }

    // per deployment: the class is the WAR's own, so a redeployment starts from null again
    static SocketLifecycle lifecycle() {
        SocketLifecycle found = lifecycle;
        return found != null
                ? found
                : (lifecycle = CDI.current().select(SocketLifecycle.class).get());
    }

    static ChatProtocol protocol() {
        ChatProtocol found = protocol;
        return found != null
                ? found
                : (protocol = CDI.current().select(ChatProtocol.class).get());
    }
}
