package dev.parley.platform.boundary;

import dev.parley.platform.control.JsonbContext;
import dev.parley.platform.entity.Problem;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page for answers the container gives outside JAX-RS (the MP-JWT mechanism's 401,
 * a refused WebSocket handshake, an unknown path): problem+json instead of an HTML page.
 */
@WebServlet("/problem")
public class ProblemPage extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        answer(response, code instanceof Integer number ? number : 404);
    }

    /**
     * Writes the problem itself. A filter that refuses a request calls this rather than
     * sendError: on Payara the error page's dispatch logs a WARNING with a stack trace for every
     * client that has already gone, so a flood of dropped handshakes filled the log and starved
     * the node (docs/performance.md, "Handshakes: the browser's path, three servers, and
     * refusals under a flood").
     */
    public static void answer(HttpServletResponse response, int status) throws IOException {
        String title = switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Payload too large";
            case 429 -> "Too many requests";
            default -> status >= 500 ? "Internal server error" : "Bad request";
        };
        String detail = switch (status) {
            case 401 -> "a valid bearer token is required";
            case 404 -> "no such resource";
            case 429 -> "too many open connections for this user, or from this address";
            default -> title;
        };
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.getWriter().write(JsonbContext.jsonb().toJson(new Problem(title, status, null, detail, null)));
    }
}
