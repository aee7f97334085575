package dev.lifeboat.core.error;

import dev.lifeboat.protocol.Vocabulary;
import java.util.function.Supplier;

/**
 * What a Lambda handler throws for a {@link LifeboatException}: Lambda reports only an exception's
 * message to the caller, so the message here is the failure and what to do about it together.
 */
public final class LambdaFailure extends RuntimeException {
    public LambdaFailure(LifeboatException cause) {
        super(cause.describe(Vocabulary.PAYLOAD), cause);
    }

    /** Runs a handler's work; a {@link LifeboatException} leaves it as a {@code LambdaFailure}. */
    public static <T> T rethrowing(Supplier<T> work) {
        try {
            return work.get();
        } catch (LifeboatException e) {
            throw new LambdaFailure(e);
        }
    }
}
