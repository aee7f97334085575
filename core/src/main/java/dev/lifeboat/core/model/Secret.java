package dev.lifeboat.core.model;

import java.util.Objects;

/**
 * A password or key that must never reach a log line, an exception message or a command line.
 * {@link #toString()} is redacted, so an accidental log of a record holding one prints {@code ****}.
 */
public final class Secret {
    private static final Secret EMPTY = new Secret("");
    private final transient String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value);
    }

    public static Secret none() {
        return EMPTY;
    }

    /** The clear text, for the one place that hands it to a driver or a child's environment. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
