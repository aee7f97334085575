package dev.lifeboat.core.error;

/** The database could not be reached, refused the login or a query, or the named database does not exist. */
public final class DatabaseAccessException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    private final boolean loginRefused;

    public DatabaseAccessException(String message, String hint) {
        this(message, hint, null, false);
    }

    public DatabaseAccessException(String message, String hint, Throwable cause) {
        this(message, hint, cause, false);
    }

    public DatabaseAccessException(String message, String hint, Throwable cause, boolean loginRefused) {
        super(message, hint, cause);
        this.loginRefused = loginRefused;
    }

    /** The server refused the login (a wrong or rotated password, a user without LOGIN): trying again will not help. */
    public boolean loginRefused() {
        return loginRefused;
    }
}
