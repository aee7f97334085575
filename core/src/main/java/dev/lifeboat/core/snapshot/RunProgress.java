package dev.lifeboat.core.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run carries from one invocation to the next (in the Step Functions state or the CLI's loop):
 * how many times a failed copy was retried, whether the single-step copy was refused so the run
 * goes in two steps, and the resource id of the database the run backs up, noted when the run first saw it, so a
 * later step still knows which database's snapshots are the run's after production's database is gone or replaced.
 */
public record RunProgress(int attempts, boolean twoStep, List<String> warnings, String sourceResourceId) {
    public static final RunProgress START = new RunProgress(0, false, List.of(), null);

    public RunProgress {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        sourceResourceId = sourceResourceId == null || sourceResourceId.isBlank() ? null : sourceResourceId;
    }

    /** A run that has not noted its database's resource id yet. */
    public RunProgress(int attempts, boolean twoStep, List<String> warnings) {
        this(attempts, twoStep, warnings, null);
    }

    public RunProgress retried() {
        return new RunProgress(attempts + 1, twoStep, warnings, sourceResourceId);
    }

    public RunProgress inTwoSteps() {
        return new RunProgress(attempts, true, warnings, sourceResourceId);
    }

    /** The run's database, noted once: the first resource id seen stays the run's. */
    public RunProgress of(String resourceId) {
        if (sourceResourceId != null || resourceId == null) {
            return this;
        }
        return new RunProgress(attempts, twoStep, warnings, resourceId);
    }

    public RunProgress warn(String warning) {
        if (warnings.contains(warning)) {
            return this;
        }
        List<String> w = new ArrayList<>(warnings);
        w.add(warning);
        return new RunProgress(attempts, twoStep, w, sourceResourceId);
    }
}
