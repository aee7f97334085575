package dev.lifeboat.core.error;

/** The dump client is older than the server; dumping would fail or lose data, so Lifeboat refuses to start. */
public final class ClientTooOldException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.REFUSED;
    }

    public ClientTooOldException(String message, String hint) {
        super(message, hint, null);
    }

    public ClientTooOldException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
