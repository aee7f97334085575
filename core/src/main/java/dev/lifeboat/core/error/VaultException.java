package dev.lifeboat.core.error;

/** The vault (S3 bucket or local directory) rejected an operation. */
public class VaultException extends LifeboatException {
    public VaultException(String message, String hint) {
        super(message, hint, null);
    }

    public VaultException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
