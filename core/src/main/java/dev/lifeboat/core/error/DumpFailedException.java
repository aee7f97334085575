package dev.lifeboat.core.error;

/** The dump tool failed, was killed or timed out. The upload was aborted and no manifest was written. */
public final class DumpFailedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public DumpFailedException(String message, String hint) {
        super(message, hint, null);
    }

    public DumpFailedException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
