package dev.parley.platform.boundary;

import dev.parley.platform.control.Refusal;
import dev.parley.platform.entity.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything that is not a {@link Refusal}: JAX-RS's own answers (404, 405, 415 …) keep their
 * status with a problem body; a refusal wrapped by a provider is unwrapped; anything else is a
 * 500 with a reference that matches one log line, and no stack trace leaves the server.
 */
@Provider
public class UnexpectedMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedMapper.class.getName());

    @Override
    public Response toResponse(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof Refusal refusal) {
                return Problems.of(refusal);
            }
        }
        if (thrown instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            Response.ResponseBuilder answer =
                    Response.fromResponse(web.getResponse()).entity(null);
            String detail = switch (status.getStatusCode()) {
                case 400 -> "the request could not be read";
                case 401 -> "a valid bearer token is required";
                default -> status.getReasonPhrase();
            };
            return answer.type(Problems.MEDIA_TYPE)
                    .entity(new Problem(status.getReasonPhrase(), status.getStatusCode(), null, detail, null))
                    .build();
        }
        String ref = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "unexpected error, ref " + ref, thrown);
        return Problems.of(
                new Problem("Internal server error", 500, "internal", "unexpected error, reference " + ref, null));
    }
}
