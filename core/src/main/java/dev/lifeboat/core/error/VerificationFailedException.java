package dev.lifeboat.core.error;

/** A verification run, or its sweeper, could not do what it must; the message says what is left. */
public final class VerificationFailedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public VerificationFailedException(String message, String hint) {
        super(message, hint, null);
    }
}
