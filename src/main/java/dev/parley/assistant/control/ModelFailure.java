package dev.parley.assistant.control;

/**
 * A reply that could not be had from the model server: {@code code} is the {@code ai_error}
 * code the room hears, {@code retryAfter} the seconds the server asked to wait, when it said.
 * The message is for the log and the frame; it never holds a key or a body.
 */
public class ModelFailure extends RuntimeException {

    private final String code;
    private final Long retryAfter;

    public ModelFailure(String code, String message, Long retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public String code() {
        return code;
    }

    public Long retryAfter() {
        return retryAfter;
    }
}
