package dev.parley.assistant.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenAI-compatible model server, through the platform's JAX-RS client: one streamed
 * {@code POST /chat/completions}, read line by line on the caller's thread. Without
 * {@code parley.ai.base-url} the assistant is off. The API key goes into one header and
 * nowhere else: never into a log line or an error.
 */
@ApplicationScoped
public class ModelServer {

    private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());

    @Inject
    @ConfigProperty(name = "parley.ai.base-url")
    Optional<String> baseUrl;

    @Inject
    @ConfigProperty(name = "parley.ai.api-key")
    Optional<String> apiKey;

    // the longest wait for the connection, the answer, and each next piece of the stream
    @Inject
    @ConfigProperty(name = "parley.ai.timeout", defaultValue = "PT60S")
    Duration timeout;

    private Client client;

    @PostConstruct
    void open() {
        client = ClientBuilder.newBuilder()
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public boolean configured() {
        return baseUrl.filter(url -> !url.isBlank()).isPresent();
    }

    /** Streams one completion into the reply; returns at {@code [DONE]}, throws {@link ModelFailure} otherwise. */
    void stream(String request, Reply reply, Reply.Chunks chunks) {
        String url = baseUrl.orElseThrow().replaceAll("/+$", "") + "/chat/completions";
        Invocation.Builder call = client.target(url).request("text/event-stream", MediaType.APPLICATION_JSON);
        apiKey.filter(key -> !key.isBlank()).ifPresent(key -> call.header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        try (Response response = call.post(Entity.json(request))) {
            reply.reading(response::close);
            refuseUnlessOk(response);
            try (InputStream body = response.readEntity(InputStream.class);
                    BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    ChunkLine chunk = ChunkLine.parse(line);
                    if (chunk.done()) {
                        return;
                    }
                    if (!chunk.delta().isEmpty()) {
                        reply.append(chunk.delta(), chunks);
                    }
                }
            }
            throw new ModelFailure("upstream_error", "the model server ended the stream before [DONE]", null);
        } catch (ProcessingException | IOException e) {
            throw failure(e);
        }
    }

    private static void refuseUnlessOk(Response response) {
        int status = response.getStatus();
        if (status == 429) {
            throw new ModelFailure("rate_limited", "the model server is rate limiting", retryAfter(response));
        }
        if (status != 200) {
            LOG.warning(() -> "the model server answered " + status);
            throw new ModelFailure("upstream_error", "the model server answered " + status, null);
        }
    }

    private static Long retryAfter(Response response) {
        String value = response.getHeaderString(HttpHeaders.RETRY_AFTER);
        try {
            return value == null ? null : Long.valueOf(value.strip());
        } catch (NumberFormatException httpDate) {
            return null;
        }
    }

    // the cause chain says what happened; the exception's own text may hold the URL, never more
    private static ModelFailure failure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return new ModelFailure("timeout", "the model server did not answer in time", null);
            }
        }
        LOG.warning(() -> "the model server's stream failed: " + e.getClass().getSimpleName());
        return new ModelFailure("upstream_error", "the model server's stream failed", null);
    }
}
