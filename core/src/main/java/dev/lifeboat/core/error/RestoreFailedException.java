package dev.lifeboat.core.error;

/** The restore tool failed. The target may hold a partial restore; see the message. */
public non-sealed class RestoreFailedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public RestoreFailedException(String message, String hint) {
        super(message, hint, null);
    }

    public RestoreFailedException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
