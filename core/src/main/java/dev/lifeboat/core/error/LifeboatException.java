package dev.lifeboat.core.error;

import dev.lifeboat.protocol.Vocabulary;

/**
 * The base of every failure a caller can act on. The message says what went wrong; {@link #hint()} says
 * what to do next. Neither ever carries a password or the data being moved.
 *
 * <p>Both name Lifeboat's options by identifier ({@link dev.lifeboat.protocol.Param}), and each front end
 * reads them in its own words ({@link #describe(Vocabulary)}); {@link #getMessage()} and {@link #hint()} say
 * them the command line's way. The hint is fixed when the exception is made: what a cleanup did afterwards
 * (a database removed, one left in place) is recorded as an {@link Aftermath}, the way try-with-resources
 * records a failed close, and told after the hint.
 */
public abstract sealed class LifeboatException extends RuntimeException
        permits AwsCallFailedException,
                BackupNotFoundException,
                ChecksumMismatchException,
                ClientTooOldException,
                CopyRejectedException,
                DatabaseAccessException,
                DumpFailedException,
                InvalidInputException,
                KeyNotGrantedException,
                QuotaReachedException,
                RefusedException,
                RestoreFailedException,
                SnapshotGoneException,
                VaultException,
                VerificationFailedException {
    private final String hint;

    protected LifeboatException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint == null ? "" : hint;
    }

    /** What kind of failure this is: every front end answers by it (an exit code, an error name). */
    public abstract Outcome outcome();

    /** The message, with options said the command line's way. */
    @Override
    public String getMessage() {
        return message(Vocabulary.COMMAND_LINE);
    }

    /** The message, with options said {@code words}' way. */
    public String message(Vocabulary words) {
        return words.render(super.getMessage());
    }

    /** What the operator should do about it, the command line's way; may be empty. */
    public String hint() {
        return hint(Vocabulary.COMMAND_LINE);
    }

    /** What the operator should do about it, then what was done afterwards; may be empty. */
    public String hint(Vocabulary words) {
        StringBuilder all = new StringBuilder(hint);
        for (Throwable t : getSuppressed()) {
            if (t instanceof Aftermath a) {
                all.append(all.isEmpty() ? "" : "; ").append(a.getMessage());
            }
        }
        return words.render(all.toString());
    }

    /** Records what a cleanup did after this failure (told after the hint), and returns this exception. */
    public LifeboatException withAftermath(String what) {
        addSuppressed(new Aftermath(what));
        return this;
    }

    /** Message and hint together, for a log line: the command line's words. */
    public String describe() {
        return describe(Vocabulary.COMMAND_LINE);
    }

    /** Message and hint together in {@code words}, for a front end's error response. */
    public String describe(Vocabulary words) {
        String h = hint(words);
        return h.isEmpty() ? message(words) : message(words) + ". " + h;
    }

    /** What was done after a failure, by the code that cleaned up after it; never thrown. */
    public static final class Aftermath extends RuntimeException {
        Aftermath(String what) {
            super(what, null, false, false);
        }
    }
}
