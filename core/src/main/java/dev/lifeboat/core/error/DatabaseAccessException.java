package dev.lifeboat.core.error;

/** The database could not be reached, refused the login or a query, or the named database does not exist. */
public class DatabaseAccessException extends LifeboatException {
    public DatabaseAccessException(String message, String hint) {
        super(message, hint, null);
    }

    public DatabaseAccessException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
