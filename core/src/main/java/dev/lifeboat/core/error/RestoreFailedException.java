package dev.lifeboat.core.error;

/** The restore tool failed. The target may hold a partial restore; see the message. */
public class RestoreFailedException extends LifeboatException {
    public RestoreFailedException(String message, String hint) {
        super(message, hint, null);
    }

    public RestoreFailedException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
