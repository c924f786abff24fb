package dev.parley.platform.control;

import dev.parley.platform.entity.FieldError;
import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON request body or socket frame strictly: a wrong type is an error, never coerced.
 * Collects every field at fault, so one answer names them all. Finish with {@link #validate()}.
 * Only the top level is kept: every body and frame Parley reads is one flat object, so nesting
 * and number lengths are bounded far below the parser's own limits, and text fields must be
 * well-formed Unicode without NUL.
 */
public final class JsonInput {

    /** Deeper than any body Parley reads needs; the parser's own limit (1,000) costs a stack trace. */
    static final int MAX_DEPTH = 8;
    /** A seq or an id has at most 19 digits; a longer number is not one of ours. */
    static final int MAX_NUMBER_CHARS = 24;

    // the provider lookup behind Json.createParser searches the class path: do it once
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());
    /** Stands for a nested object or array at the top level: the wrong type for every field. */
    private static final Object NESTED = new Object();

    private final Map<String, Object> fields;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonInput(Map<String, Object> fields) {
        this.fields = fields;
    }

    public static JsonInput parse(String body) {
        if (body == null || body.isBlank()) {
            throw Refusal.badJson("a JSON object body is required");
        }
        try (JsonParser parser = PARSERS.createParser(new StringReader(body))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                throw Refusal.badJson("the body must be a JSON object");
            }
            Map<String, Object> fields = topLevel(parser);
            if (parser.hasNext()) {
                throw Refusal.badJson("the body is not valid JSON: data after the object");
            }
            return new JsonInput(fields);
        } catch (Refusal refusal) {
            throw refusal;
        } catch (RuntimeException malformed) {
            // whatever the parser throws for bad input (JsonParsingException, NoSuchElementException …)
            throw Refusal.badJson("the body is not valid JSON");
        }
    }

    private static Map<String, Object> topLevel(JsonParser parser) {
        Map<String, Object> fields = new HashMap<>();
        String key = null;
        int depth = 1;
        while (depth > 0) {
            JsonParser.Event event = parser.next();
            switch (event) {
                case KEY_NAME -> key = depth == 1 ? parser.getString() : key;
                case START_OBJECT, START_ARRAY -> {
                    if (++depth > MAX_DEPTH) {
                        throw Refusal.badJson("the body is nested deeper than " + MAX_DEPTH + " levels");
                    }
                    if (depth == 2) {
                        fields.put(key, NESTED);
                    }
                }
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_NUMBER -> {
                    String number = parser.getString();
                    if (number.length() > MAX_NUMBER_CHARS) {
                        throw Refusal.badJson("a number is longer than " + MAX_NUMBER_CHARS + " characters");
                    }
                    putTop(fields, depth, key, new BigDecimal(number));
                }
                case VALUE_STRING -> putTop(fields, depth, key, parser.getString());
                case VALUE_TRUE -> putTop(fields, depth, key, Boolean.TRUE);
                case VALUE_FALSE -> putTop(fields, depth, key, Boolean.FALSE);
                case VALUE_NULL -> putTop(fields, depth, key, null);
                default -> throw Refusal.badJson("the body is not valid JSON");
            }
        }
        return fields;
    }

    private static void putTop(Map<String, Object> fields, int depth, String key, Object value) {
        if (depth == 1) {
            fields.put(key, value);
        }
    }

    /**
     * A string of min..max characters, well-formed and without NUL; blank strings (Unicode
     * spaces and invisible characters included) count as missing when min > 0.
     */
    public String string(String field, int min, int max, boolean required) {
        Object value = fields.get(field);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!(value instanceof String text)) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String defect = UnicodeText.defect(text);
        if (defect != null) {
            errors.add(new FieldError(field, defect));
            return null;
        }
        if (text.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
            return null;
        }
        if (text.length() < min || (min > 0 && UnicodeText.isBlank(text))) {
            errors.add(
                    new FieldError(field, min > 1 ? "must be at least " + min + " characters" : "must not be blank"));
            return null;
        }
        return text;
    }

    /** A string shown as a name: {@link #string}, on one line without control characters. */
    public String name(String field, int min, int max, boolean required) {
        String text = string(field, min, max, required);
        String defect = text == null ? null : UnicodeText.nameDefect(text);
        if (defect != null) {
            errors.add(new FieldError(field, defect));
            return null;
        }
        return text;
    }

    /** A whole number of at least 0. */
    public Long number(String field, boolean required) {
        Object value = fields.get(field);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!(value instanceof BigDecimal number)
                || number.scale() != 0
                || number.signum() < 0
                || number.unscaledValue().bitLength() > 62) {
            errors.add(new FieldError(field, "must be a whole number of at least 0"));
            return null;
        }
        return number.longValue();
    }

    public Boolean bool(String field, boolean required) {
        Object value = fields.get(field);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!(value instanceof Boolean bool)) {
            errors.add(new FieldError(field, "must be true or false"));
            return null;
        }
        return bool;
    }

    /** Whether the field holds exactly this string (for words standing where a number may be). */
    public boolean is(String field, String word) {
        return word.equals(fields.get(field));
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
