package dev.lifeboat.adapters.process;

/** How many dump or load programs run at once by default: the cores available, at most 4 (issue 13). */
public final class Cores {
    private Cores() {}

    public static int defaultJobs() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
