package dev.parley.platform.entity;

import java.util.List;

/**
 * An RFC 9457 problem body. {@code code} is an extension member: the same machine-readable
 * reason a socket error frame carries. {@code errors} names the fields at fault.
 */
public record Problem(String type, String title, int status, String code, String detail, List<FieldError> errors) {

    public Problem(String title, int status, String code, String detail, List<FieldError> errors) {
        this(
                "about:blank",
                title,
                status,
                code,
                detail,
                errors == null || errors.isEmpty() ? null : List.copyOf(errors));
    }
}
