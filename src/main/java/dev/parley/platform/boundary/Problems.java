package dev.parley.platform.boundary;

import dev.parley.platform.control.Refusal;
import dev.parley.platform.entity.Problem;
import jakarta.ws.rs.core.Response;

/** Builds problem+json answers; shared by the exception mappers and filters. */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {}

    static Response of(Problem problem) {
        return Response.status(problem.status())
                .type(MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    static Response of(Refusal refusal) {
        Response.ResponseBuilder answer =
                Response.status(refusal.status()).type(MEDIA_TYPE).entity(refusal.problem());
        if (refusal.retryAfterSeconds() > 0) {
            answer.header("Retry-After", refusal.retryAfterSeconds());
        }
        return answer.build();
    }
}
