package dev.lifeboat.core.error;

/**
 * RDS refused a snapshot or copy for a quota (SnapshotQuotaExceeded: the manual snapshots, or the copies in
 * flight into a Region), typically because another run took the last room meanwhile: wait and try again.
 */
public final class QuotaReachedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    public QuotaReachedException(String message) {
        super(message, "the run waits and tries again once room is made (retention, or copies finishing)", null);
    }
}
