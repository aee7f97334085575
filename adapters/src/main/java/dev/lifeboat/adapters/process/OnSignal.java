package dev.lifeboat.adapters.process;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A task told to stop (ECS sends SIGTERM, then SIGKILL after the container's stop timeout): the dump and load tools are
 * stopped, and the work gets the time to clean up as on any failure (an upload aborted, a database the restore created
 * removed) before the JVM exits with 143. Without it the JVM exited at once and left a half-restored database behind.
 * The ECS Fargate tasks' entrypoints (issue 13) install it; the command line has its own, with the same steps.
 */
public final class OnSignal {
    /** How long the work may take to clean up; the task's stop timeout is longer (FargateTasks). */
    public static final Duration CLEANUP = Duration.ofSeconds(45);

    private final Thread main;
    private final PrintStream err;
    private volatile boolean signalled;
    private volatile boolean finished;
    private volatile int code = -1;
    private volatile boolean successOutlivesTheSignal;

    private OnSignal(Thread main, PrintStream err) {
        this.main = main;
        this.err = err;
    }

    /** Installs the hook for the calling (main) thread's work. */
    public static OnSignal install(PrintStream err) {
        OnSignal s = new OnSignal(Thread.currentThread(), err);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stopped, "lifeboat-signal"));
        return s;
    }

    /**
     * For work with an end of its own (a dump, a restore): when it still succeeds after the signal came (the signal
     * arrived as it finished, its tools untouched), the process exits 0, as what it did is whole. Work that runs
     * until it is stopped (the stream task) keeps 143: the signal is why it ended.
     */
    public OnSignal successOutlivesTheSignal() {
        successOutlivesTheSignal = true;
        return this;
    }

    /** Whether ECS (SIGTERM) or a user (SIGINT) asked the task to stop: work that runs until stopped ends then. */
    public boolean signalled() {
        return signalled;
    }

    /** Ends the process with {@code code}, unless a signal already ends it (System.exit would wait on the hook). */
    public void exit(int code) {
        this.code = code;
        finished = true;
        if (!signalled) {
            System.exit(code);
        }
    }

    private void stopped() {
        if (finished) {
            return;
        }
        signalled = true;
        int tools = ProcessDumpTools.stopRunningTools();
        err.println("lifeboat: told to stop; " + (tools == 0 ? "" : "stopped " + tools + " running tool(s), ")
                + "cleaning up");
        try {
            main.join(CLEANUP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (finished && code == 0 && successOutlivesTheSignal) {
            // The signal came after the work was done (its result printed): the truth is success, not "stopped".
            err.println("lifeboat: the work had finished when the signal came; exiting 0");
            err.flush();
            Runtime.getRuntime().halt(0);
        }
        err.println(
                finished
                        ? "lifeboat: stopped: the lines above say what the task did and undid"
                        : "lifeboat: stopped before cleaning up within " + CLEANUP.toSeconds()
                                + " s; check the target and the vault for what it left");
    }
}
