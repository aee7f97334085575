package dev.lifeboat.core.error;

/** Lifeboat refused an action that could lose data; the message names the flag that allows it. */
public non-sealed class RefusedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.REFUSED;
    }

    public RefusedException(String message, String hint) {
        super(message, hint, null);
    }

    public RefusedException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
