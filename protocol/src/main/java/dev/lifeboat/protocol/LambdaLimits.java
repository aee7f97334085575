package dev.lifeboat.protocol;

import java.time.Duration;

/** Lambda's limits as the functions and the CDK app agree on them. */
public final class LambdaLimits {
    /** The longest a Lambda invocation may run (Lambda's quota; the CDK app's function timeout). */
    public static final Duration MAX_INVOCATION = Duration.ofMinutes(15);

    /** Time kept back from an invocation's deadline to stop a tool, abort an upload, clean up and report. */
    public static final Duration DEADLINE_MARGIN = Duration.ofSeconds(45);

    private LambdaLimits() {}

    /** What a long operation may take in an invocation with {@code remainingMillis} left. */
    public static Duration budget(long remainingMillis) {
        return Duration.ofMillis(remainingMillis).minus(DEADLINE_MARGIN);
    }
}
