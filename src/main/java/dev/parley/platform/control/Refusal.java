package dev.parley.platform.control;

import dev.parley.platform.entity.FieldError;
import dev.parley.platform.entity.Problem;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A request the server refuses on purpose. Thrown from anywhere, answered as
 * application/problem+json by the boundary; it never carries a stack trace to the client.
 */
public class Refusal extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    private long retryAfterSeconds;

    /** {@code code} is the machine-readable reason, shared by REST problems and socket error frames. */
    public Refusal(int status, String code, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = errors;
    }

    public static Refusal invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new Refusal(400, "invalid", "Invalid request", detail, errors);
    }

    public static Refusal invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static Refusal tooLong(String field, int max) {
        return new Refusal(
                400,
                "too_long",
                "Too long",
                field + ": must be at most " + max + " characters",
                List.of(new FieldError(field, "must be at most " + max + " characters")));
    }

    public static Refusal badJson(String detail) {
        return new Refusal(400, "bad_json", "Bad request", detail, List.of());
    }

    public static Refusal unauthorized(String detail) {
        return new Refusal(401, "unauthorized", "Unauthorized", detail, List.of());
    }

    public static Refusal forbidden(String detail) {
        return new Refusal(403, "forbidden", "Forbidden", detail, List.of());
    }

    public static Refusal banned() {
        return new Refusal(403, "banned", "Forbidden", "this account is banned", List.of());
    }

    public static Refusal notMember(long roomId) {
        return new Refusal(403, "not_member", "Forbidden", "you are not a member of room " + roomId, List.of());
    }

    public static Refusal notFound(String detail) {
        return new Refusal(404, "not_found", "Not found", detail, List.of());
    }

    public static Refusal roomNotFound(long roomId) {
        return new Refusal(404, "room_not_found", "Not found", "no room " + roomId, List.of());
    }

    public static Refusal conflict(String detail) {
        return new Refusal(409, "conflict", "Conflict", detail, List.of());
    }

    /** Over a limit whose next token comes in {@code waitNanos}: Retry-After in whole seconds, at least one. */
    public static Refusal rateLimitedFor(long waitNanos) {
        return rateLimited(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L)));
    }

    public static Refusal rateLimited(long retryAfterSeconds) {
        Refusal refusal = new Refusal(
                429,
                "rate_limited",
                "Too many requests",
                "rate limit exceeded: retry after " + retryAfterSeconds + " s",
                List.of());
        refusal.retryAfterSeconds = retryAfterSeconds;
        return refusal;
    }

    /** The server has no room for this costly request now (password hashing is full): retry shortly. */
    public static Refusal busy() {
        Refusal refusal =
                new Refusal(503, "busy", "Service unavailable", "the server is busy: retry after 1 s", List.of());
        refusal.retryAfterSeconds = 1;
        return refusal;
    }

    public static Refusal tooManyConnections() {
        return new Refusal(
                429,
                "too_many_connections",
                "Too many requests",
                "too many open connections for this user, or from this address",
                List.of());
    }

    public static Refusal tooLarge(String detail) {
        return new Refusal(413, "too_large", "Payload too large", detail, List.of());
    }

    public int status() {
        return status;
    }

    /** For 429: how long the client should wait; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String code() {
        return code;
    }

    public Problem problem() {
        return new Problem(title, status, code, getMessage(), errors);
    }
}
