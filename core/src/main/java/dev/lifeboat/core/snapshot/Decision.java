package dev.lifeboat.core.snapshot;

import java.util.List;

/**
 * The planner's answer: what to do now, and where the run stands. {@code IN_PROGRESS}: call again
 * later (Step Functions waits with backoff; the CLI polls). {@code DONE}: the copy is available in
 * the backup account and intermediates are gone. {@code FAILED}: stop and report {@code message}.
 * {@code planted}: the run failed because a snapshot under one of its names is not its own (another database's, or
 * older than the run): tampering, which the step reports as its own metric and alarm.
 */
public record Decision(Status status, List<Action> actions, String message, RunProgress progress, boolean planted) {
    public enum Status {
        IN_PROGRESS,
        DONE,
        FAILED
    }

    public Decision {
        actions = List.copyOf(actions);
    }

    public Decision(Status status, List<Action> actions, String message, RunProgress progress) {
        this(status, actions, message, progress, false);
    }

    static Decision act(String message, RunProgress progress, Action... actions) {
        return new Decision(Status.IN_PROGRESS, List.of(actions), message, progress);
    }

    static Decision waitFor(String message, RunProgress progress) {
        return new Decision(Status.IN_PROGRESS, List.of(), message, progress);
    }

    static Decision fail(String message, RunProgress progress) {
        return new Decision(Status.FAILED, List.of(), message, progress);
    }

    /** Refuses a snapshot under the run's name that is not the run's: nothing is done with it, nothing deleted. */
    static Decision refusePlanted(String message, RunProgress progress) {
        return new Decision(Status.FAILED, List.of(), message, progress, true);
    }
}
