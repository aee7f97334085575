package dev.lifeboat.cli;

import dev.lifeboat.core.port.ProgressListener;
import java.io.Console;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal, a plain line every few
 * seconds otherwise (CI logs, Lambda, pipes).
 */
final class Progress implements ProgressListener {
    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
    private static final Duration BAR_EVERY = Duration.ofMillis(200);
    private final PrintStream err;
    private final boolean terminal;
    private volatile String verb;
    private final Clock clock;
    private Instant start;
    private Instant lastDrawn;
    private long total = -1;
    private long last;
    private volatile Instant lastProgress;
    private ScheduledExecutorService heartbeat;
    private ScheduledFuture<?> beat;
    /** How long without a byte before a line says the transfer is stalled, and how often it repeats. */
    static final Duration STALLED_AFTER = Duration.ofSeconds(30);

    Progress(PrintStream err, boolean terminal, String verb, Clock clock) {
        this.err = err;
        this.terminal = terminal;
        this.verb = verb;
        this.clock = clock;
    }

    @Override
    public void onStart(long expectedBytes) {
        total = expectedBytes;
        start = clock.instant();
        lastDrawn = start;
        lastProgress = start;
        if (heartbeat == null) {
            heartbeat = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("progress-heartbeat").factory());
            beat = heartbeat.scheduleAtFixedRate(
                    () -> stalledLine(clock.instant()).ifPresent(line -> {
                        err.println((terminal ? "\n" : "") + line);
                        err.flush();
                    }),
                    STALLED_AFTER.toSeconds(),
                    STALLED_AFTER.toSeconds(),
                    TimeUnit.SECONDS);
        }
    }

    /** A new phase ("checked", then "restored"): the phase before is drawn whole, and counting starts again. */
    @Override
    public void onPhase(String doing, long expectedBytes) {
        if (start != null) {
            draw(clock.instant(), true);
        }
        verb = doing;
        last = 0;
        onStart(expectedBytes);
    }

    /**
     * A heartbeat while nothing moves: the operator sees that Lifeboat is alive, how much moved, and for how
     * long nothing has (a dump tool waiting on a lock, a stalled network); empty while bytes flow.
     */
    Optional<String> stalledLine(Instant now) {
        Instant since = lastProgress;
        if (since == null || Duration.between(since, now).compareTo(STALLED_AFTER) < 0) {
            return Optional.empty();
        }
        return Optional.of(verb + " " + Sizes.human(last) + " so far; no progress for "
                + Sizes.duration(Duration.between(since, now)) + " (still running)");
    }

    @Override
    public void onProgress(long bytes) {
        Instant now = clock.instant();
        if (bytes != last) {
            lastProgress = now;
        }
        last = bytes;
        if (start == null) {
            onStart(-1);
        }
        if (Duration.between(lastDrawn, now).compareTo(terminal ? BAR_EVERY : PLAIN_EVERY) >= 0) {
            lastDrawn = now;
            draw(now, false);
        }
    }

    /** Draws the final state and ends the line. */
    void finish() {
        if (heartbeat != null) {
            beat.cancel(false);
            heartbeat.shutdownNow();
        }
        if (start != null) {
            draw(clock.instant(), true);
        }
    }

    private void draw(Instant now, boolean done) {
        Duration elapsed = Duration.between(start, now);
        double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
        String rate = Sizes.human((long) (last / seconds)) + "/s";
        String time = String.format("%02d:%02d", elapsed.toMinutes(), elapsed.toSecondsPart());
        if (terminal) {
            String bar = "";
            if (total > 0) {
                int width = 30;
                int filled = (int) Math.min(width, width * last / total);
                bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + (100 * last / total) + "% ";
            }
            err.print("\r" + verb + " " + bar + Sizes.human(last) + "  " + rate + "  " + time + "   ");
            if (done) {
                err.println();
            }
        } else {
            err.println(verb + " " + Sizes.human(last) + (total > 0 ? " of " + Sizes.human(total) : "") + ", " + rate
                    + ", " + time + " elapsed");
        }
        err.flush();
    }

    /** True when stderr is an interactive terminal (Java 22+ can tell; on 21 a console means one). */
    @SuppressWarnings("SystemConsoleNull") // the null check is for Java 21, where it still means "no terminal"
    static boolean stderrIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
