package dev.lifeboat.core.error;

/** Lifeboat refused an action that could lose data; the message names the flag that allows it. */
public class RefusedException extends LifeboatException {
    public RefusedException(String message, String hint) {
        super(message, hint, null);
    }

    public RefusedException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
