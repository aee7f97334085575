package dev.lifeboat.core.error;

/**
 * What kind of failure a {@link LifeboatException} is, the one thing every front end answers by: the command
 * line's exit code (docs/cli.md), the Fargate task's, the error name a Step Functions task reports. Anything that
 * is not a {@code LifeboatException} (an {@link IllegalArgumentException} or {@link IllegalStateException} from a
 * broken invariant included) is {@link #INTERNAL}: a bug, never "bad input".
 */
public enum Outcome {
    /** The input cannot be used: a field, an argument, a configuration value, a backup that does not exist. */
    BAD_INPUT,
    /** Lifeboat refused an action that could lose data, or one a tool too old would do badly. */
    REFUSED,
    /** A backup's bytes do not match what its manifest vouches for. */
    CORRUPT,
    /** The operation ran and failed: a database, a tool, the vault, an AWS call. */
    FAILED,
    /** A bug in Lifeboat: anything unexpected. */
    INTERNAL;

    /**
     * {@code t}'s outcome: a {@link LifeboatException}'s own, {@link #BAD_INPUT} for a request that could not be read
     * or built, {@link #INTERNAL} for anything else.
     */
    public static Outcome of(Throwable t) {
        if (t instanceof dev.lifeboat.protocol.request.BadRequest) {
            return BAD_INPUT; // a request a front end did not translate: still the operator's input
        }
        return t instanceof LifeboatException le ? le.outcome() : INTERNAL;
    }
}
