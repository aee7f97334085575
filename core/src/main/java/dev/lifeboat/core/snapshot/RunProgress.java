package dev.lifeboat.core.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run carries from one invocation to the next (in the Step Functions state or the CLI's loop):
 * how many times a failed copy was retried, and whether the single-step copy was refused so the run
 * goes in two steps.
 */
public record RunProgress(int attempts, boolean twoStep, List<String> warnings) {
    public static final RunProgress START = new RunProgress(0, false, List.of());

    public RunProgress {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public RunProgress retried() {
        return new RunProgress(attempts + 1, twoStep, warnings);
    }

    public RunProgress inTwoSteps() {
        return new RunProgress(attempts, true, warnings);
    }

    public RunProgress warn(String warning) {
        if (warnings.contains(warning)) {
            return this;
        }
        List<String> w = new ArrayList<>(warnings);
        w.add(warning);
        return new RunProgress(attempts, twoStep, w);
    }
}
