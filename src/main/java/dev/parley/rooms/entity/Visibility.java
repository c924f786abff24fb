package dev.parley.rooms.entity;

import java.util.Locale;
import java.util.Optional;

public enum Visibility {
    PUBLIC,
    PRIVATE,
    DIRECT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Visibility> fromWire(String value) {
        for (Visibility v : values()) {
            if (v.wire().equals(value)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
