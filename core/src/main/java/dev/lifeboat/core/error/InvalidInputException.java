package dev.lifeboat.core.error;

/** Bad input: a field, an argument or a configuration value that cannot be used. Nothing was changed. */
public class InvalidInputException extends LifeboatException {
    public InvalidInputException(String message, String hint) {
        super(message, hint, null);
    }

    public InvalidInputException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
