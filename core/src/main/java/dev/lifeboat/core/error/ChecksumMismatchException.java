package dev.lifeboat.core.error;

/** The bytes read back from the vault do not match the manifest's size or SHA-256. */
public final class ChecksumMismatchException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.CORRUPT;
    }

    public ChecksumMismatchException(String message, String hint) {
        super(message, hint, null);
    }

    public ChecksumMismatchException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
