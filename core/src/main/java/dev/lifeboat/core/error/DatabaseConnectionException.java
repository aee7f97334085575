package dev.lifeboat.core.error;

/** The database could not be reached or refused the login, or the named database does not exist. */
public class DatabaseConnectionException extends LifeboatException {
    public DatabaseConnectionException(String message, String hint) {
        super(message, hint, null);
    }

    public DatabaseConnectionException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
