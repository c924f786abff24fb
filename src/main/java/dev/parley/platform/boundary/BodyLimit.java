package dev.parley.platform.boundary;

import dev.parley.platform.control.Refusal;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Refuses request bodies over the limit before they are read into memory. */
@Provider
@PreMatching
public class BodyLimit implements ContainerRequestFilter {

    @Inject
    @ConfigProperty(name = "parley.http.max-body-bytes", defaultValue = "65536")
    int maxBytes;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxBytes) {
            throw tooLarge();
        }
        // a chunked body has no length: count as it is read
        request.setEntityStream(new Bounded(request.getEntityStream(), maxBytes));
    }

    private Refusal tooLarge() {
        return Refusal.tooLarge("the request body is larger than " + maxBytes + " bytes");
    }

    private final class Bounded extends FilterInputStream {

        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw tooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && (left -= n) < 0) {
                throw tooLarge();
            }
            return n;
        }
    }
}
