package dev.lifeboat.core.error;

/**
 * The base of every failure a caller can act on. The message says what went wrong; {@link #hint()}
 * says what to do next. Neither ever carries a password or the data being moved.
 */
public abstract class LifeboatException extends RuntimeException {
    private String hint;

    protected LifeboatException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** What the operator should do about it; may be empty. */
    public String hint() {
        return hint == null ? "" : hint;
    }

    /** Adds what happened to the surroundings (a database removed, one left in place) to the hint. */
    public void addToHint(String more) {
        hint = hint().isEmpty() ? more : hint() + "; " + more;
    }

    /** Message and hint together, for a log line or a Lambda error response. */
    public String describe() {
        return hint().isEmpty() ? getMessage() : getMessage() + ". " + hint();
    }
}
