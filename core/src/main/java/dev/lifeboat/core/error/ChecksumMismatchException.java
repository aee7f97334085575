package dev.lifeboat.core.error;

/** The bytes read back from the vault do not match the manifest's size or SHA-256. */
public class ChecksumMismatchException extends LifeboatException {
    public ChecksumMismatchException(String message, String hint) {
        super(message, hint, null);
    }

    public ChecksumMismatchException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
