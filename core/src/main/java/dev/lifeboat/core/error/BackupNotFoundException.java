package dev.lifeboat.core.error;

/** No backup matches what was asked for. */
public class BackupNotFoundException extends LifeboatException {
    public BackupNotFoundException(String message, String hint) {
        super(message, hint, null);
    }

    public BackupNotFoundException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
