package dev.parley.webclient.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Security headers for the web client's own files (the page at {@code /} and its scripts and
 * styles under {@code /app/}), not for REST or socket traffic. The page loads nothing from
 * elsewhere, so the policy allows only this origin, plus WebSocket URLs for the chat socket
 * (older browsers do not count ws: of the same host as 'self'). No inline script or style is
 * allowed: if a message ever reached the page as markup, it still could not run.
 */
@WebFilter(urlPatterns = {"/", "/index.html", "/app/*"})
public class PageHeaders extends HttpFilter {

    static final String POLICY = String.join(
            "; ",
            "default-src 'self'",
            "connect-src 'self' ws: wss:",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        // the files change with each deployment: revalidate (cheap, by ETag) rather than run stale modules
        response.setHeader("Cache-Control", "no-cache");
        chain.doFilter(request, response);
    }
}
