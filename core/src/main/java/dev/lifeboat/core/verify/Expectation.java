package dev.lifeboat.core.verify;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a verification assertion's single numeric result must satisfy: {@code > 0}, {@code >= 10},
 * {@code = 3}, {@code < 5}, {@code <= 7}. The one parser: the configuration loader refuses what it
 * cannot read, so a run never meets an expectation it cannot evaluate.
 */
public record Expectation(String operator, double value) {
    private static final Pattern FORM = Pattern.compile("\\s*(>=|<=|>|<|=)\\s*(-?\\d+(?:\\.\\d+)?)\\s*");

    public static final String FORMS = "> 0, >= 10, = 3, < 5, <= 7";

    /**
     * Reads an expectation.
     *
     * @throws InvalidInputException naming the text and the forms it may take
     */
    public static Expectation parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new InvalidInputException(
                    "'" + text + "' is not a comparison with a number", "write one of: " + FORMS);
        }
        return new Expectation(m.group(1), Double.parseDouble(m.group(2)));
    }

    public boolean test(double actual) {
        return switch (operator) {
            case ">=" -> actual >= value;
            case "<=" -> actual <= value;
            case ">" -> actual > value;
            case "<" -> actual < value;
            default -> actual == value;
        };
    }

    @Override
    public String toString() {
        return operator + " " + (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value));
    }
}
