package dev.lifeboat.core.error;

/** The vault (S3 bucket or local directory) rejected an operation. */
public non-sealed class VaultException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public VaultException(String message, String hint) {
        super(message, hint, null);
    }

    public VaultException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
