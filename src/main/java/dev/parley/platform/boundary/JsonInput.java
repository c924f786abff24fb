package dev.parley.platform.boundary;

import dev.parley.platform.control.Refusal;
import dev.parley.platform.entity.FieldError;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads a JSON request body strictly: a wrong type is an error, never coerced. Collects every
 * field at fault, so one answer names them all. Finish with {@link #validate()}.
 */
public final class JsonInput {

    private final JsonObject json;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonInput(JsonObject json) {
        this.json = json;
    }

    public static JsonInput parse(String body) {
        if (body == null || body.isBlank()) {
            throw Refusal.badJson("a JSON object body is required");
        }
        JsonValue value;
        try (JsonParser parser = Json.createParser(new StringReader(body))) {
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new JsonParsingException("trailing data", parser.getLocation());
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw Refusal.badJson("the body is not valid JSON");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw Refusal.badJson("the body must be a JSON object");
        }
        return new JsonInput(value.asJsonObject());
    }

    /** A string of min..max characters; blank strings count as missing when min > 0. */
    public String string(String field, int min, int max, boolean required) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!(value instanceof JsonString string)) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String text = string.getString();
        if (text.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
            return null;
        }
        if (text.length() < min || (min > 0 && text.isBlank())) {
            errors.add(new FieldError(field, min > 1 ? "must be at least " + min + " characters" : "must not be blank"));
            return null;
        }
        return text;
    }

    /** A whole number of at least 0. */
    public Long number(String field, boolean required) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.bigIntegerValue().bitLength() > 62
                || number.longValue() < 0) {
            errors.add(new FieldError(field, "must be a whole number of at least 0"));
            return null;
        }
        return number.longValue();
    }

    public Boolean bool(String field, boolean required) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.TRUE && value.getValueType() != JsonValue.ValueType.FALSE) {
            errors.add(new FieldError(field, "must be true or false"));
            return null;
        }
        return value.getValueType() == JsonValue.ValueType.TRUE;
    }

    /** Whether the field holds exactly this string (for words standing where a number may be). */
    public boolean is(String field, String word) {
        return json.get(field) instanceof JsonString string && string.getString().equals(word);
    }

    public void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public void validate() {
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
    }
}
