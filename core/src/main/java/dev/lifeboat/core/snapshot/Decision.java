package dev.lifeboat.core.snapshot;

import java.util.List;

/**
 * The planner's answer: what to do now, and where the run stands. {@code IN_PROGRESS}: call again
 * later (Step Functions waits with backoff; the CLI polls). {@code DONE}: the copy is available in
 * the backup account and intermediates are gone. {@code FAILED}: stop and report {@code message}.
 */
public record Decision(Status status, List<Action> actions, String message, RunProgress progress) {
    public enum Status {
        IN_PROGRESS,
        DONE,
        FAILED
    }

    public Decision {
        actions = List.copyOf(actions);
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
}
