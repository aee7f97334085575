package dev.lifeboat.core.error;

/** No backup matches what was asked for. */
public final class BackupNotFoundException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.BAD_INPUT;
    }

    public BackupNotFoundException(String message, String hint) {
        super(message, hint, null);
    }

    public BackupNotFoundException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
