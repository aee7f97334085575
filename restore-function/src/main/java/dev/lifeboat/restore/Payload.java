package dev.lifeboat.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a Lambda payload, read strictly: a field of the wrong JSON type is refused, naming the
 * field, the type it needs and what was sent, instead of being coerced ("dryRun": "True" read as false
 * once started a real restore) or dropped.
 */
final class Payload {
    private static final String SEE = "see docs/runbook.md for a payload of each kind";

    private final JsonNode e;

    Payload(JsonNode e) {
        this.e = e;
    }

    /** A non-blank string. */
    String required(String field) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidInputException("field '" + field + "' is missing", SEE);
        }
        String s = text(field, v);
        if (s.isBlank()) {
            throw new InvalidInputException("field '" + field + "' is empty", SEE);
        }
        return s;
    }

    /** A string, or null when absent, null or blank. */
    String optional(String field) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = text(field, v);
        return s.isBlank() ? null : s;
    }

    String optional(String field, String fallback) {
        String s = optional(field);
        return s == null ? fallback : s;
    }

    /** A JSON boolean ({@code true} or {@code false}, not a string), or {@code fallback} when absent. */
    boolean bool(String field, boolean fallback) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new InvalidInputException(
                    "field '" + field + "' must be true or false (a JSON boolean, without quotes), not " + v, SEE);
        }
        return v.booleanValue();
    }

    /** A JSON integer (not a string, not a fraction), or {@code fallback} when absent. */
    int integer(String field, int fallback) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidInputException(
                    "field '" + field + "' must be a whole number (a JSON number, without quotes), not " + v, SEE);
        }
        return v.intValue();
    }

    /** A JSON array of strings, or an empty list when absent. */
    List<String> strings(String field) {
        JsonNode v = e.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new InvalidInputException(
                    "field '" + field + "' must be a list of strings, e.g. [\"sg-0123456789abcdef0\"], not " + v, SEE);
        }
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new InvalidInputException("field '" + field + "' must hold only strings, not " + item, SEE);
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String text(String field, JsonNode v) {
        if (!v.isTextual()) {
            throw new InvalidInputException("field '" + field + "' must be a string (in quotes), not " + v, SEE);
        }
        return v.asText();
    }
}
