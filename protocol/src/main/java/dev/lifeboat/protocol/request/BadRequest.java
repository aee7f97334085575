package dev.lifeboat.protocol.request;

/**
 * A request that cannot be used, found where it is read or built: the message names the option by its
 * {@link dev.lifeboat.protocol.Param} (each front end renders it in its own words) and nothing has been done yet.
 * The front ends raise it as their bad input ({@code InvalidInputException.of} in core).
 */
public final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String hint;

    public BadRequest(String message, String hint) {
        super(message);
        this.hint = hint == null ? "" : hint;
    }

    /** What to do instead; may be empty. */
    public String hint() {
        return hint;
    }
}
