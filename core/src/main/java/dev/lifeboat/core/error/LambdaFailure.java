package dev.lifeboat.core.error;

/**
 * What a Lambda handler throws for a {@link LifeboatException}: Lambda reports only an exception's
 * message to the caller, so the message here is the failure and what to do about it together.
 */
public final class LambdaFailure extends RuntimeException {
    public LambdaFailure(LifeboatException cause) {
        super(cause.describe(), cause);
    }
}
