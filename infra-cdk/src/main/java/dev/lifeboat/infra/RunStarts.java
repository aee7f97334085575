package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.StepProtocol;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.constructs.Construct;

/**
 * When a run of the backup account's state machines starts: a run the fleet's fan-out started waits for its minute in
 * its database's window (issue 16), so each machine's first state waits until then, and its timeout allows for the
 * widest window. Made in the caller's scope, so the states keep their logical ids.
 */
final class RunStarts {
    private RunStarts() {}

    /**
     * The first state of a state machine: with {@code startAt} in its input (a run the fan-out started), wait until
     * then; without, go straight on (a run started by hand).
     */
    static Choice startAt(Construct scope, String prefix, IChainable then) {
        Wait until = Wait.Builder.create(scope, prefix + "WaitForItsMinute")
                .time(WaitTime.timestampPath(StepProtocol.path(StepProtocol.START_AT)))
                .build();
        return Choice.Builder.create(scope, prefix + "StartAt?")
                .build()
                .when(Condition.isPresent(StepProtocol.path(StepProtocol.START_AT)), until.next(then))
                .otherwise(then);
    }

    /** The widest of the databases' schedule windows: the longest a fanned-out run may wait for its minute. */
    static java.time.Duration widestWindow(LifeboatConfig config) {
        return config.databases().values().stream()
                .map(d -> d.schedules().window())
                .max(java.util.Comparator.naturalOrder())
                .orElse(java.time.Duration.ZERO);
    }
}
