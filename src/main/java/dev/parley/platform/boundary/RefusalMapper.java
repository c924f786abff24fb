package dev.parley.platform.boundary;

import dev.parley.platform.control.Meters;
import dev.parley.platform.control.Refusal;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class RefusalMapper implements ExceptionMapper<Refusal> {

    @Inject
    Meters meters;

    @Override
    public Response toResponse(Refusal refusal) {
        if (refusal.status() == 429) {
            meters.add(Meters.Count.RATE_LIMITED_REQUESTS);
        }
        return Problems.of(refusal);
    }
}
