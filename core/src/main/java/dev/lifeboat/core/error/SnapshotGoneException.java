package dev.lifeboat.core.error;

/** A snapshot an action needed is gone: another invocation of the same run moved on meanwhile. */
public final class SnapshotGoneException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public SnapshotGoneException(String message) {
        super(message, "another invocation moved on meanwhile: run again, it observes the state afresh", null);
    }
}
