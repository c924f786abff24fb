package dev.parley.platform.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Stores {@code Instant}s as UTC {@code timestamp with time zone}: JPA 3.1 providers do not all
 * map Instant yet (EclipseLink 4.0 serializes it to bytes), but every one maps OffsetDateTime.
 */
@Converter(autoApply = true)
public class InstantColumn implements AttributeConverter<Instant, OffsetDateTime> {

    @Override
    public OffsetDateTime convertToDatabaseColumn(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Instant convertToEntityAttribute(OffsetDateTime column) {
        return column == null ? null : column.toInstant();
    }
}
