package dev.lifeboat.core.error;

/** RDS refused a copy of this shape; the message is RDS's. */
public final class CopyRejectedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public CopyRejectedException(String message) {
        super(message, "RDS refused this copy; the pipeline falls back to a two-step copy", null);
    }
}
