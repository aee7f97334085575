package dev.lifeboat.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One time limit for a whole operation (a restore, a dump), measured on the monotonic clock from its start: a
 * watchdog runs what was registered to stop (the child processes of the moment) when it passes, and every wait asks
 * for what is left, not for the whole limit again. Without it, each tool waited the full limit after the data had
 * streamed, and {@code --timeout-minutes 1} ended after 124 s (issue 38, item 6).
 */
public final class Deadline implements AutoCloseable {
    /** What {@link #remaining()} never goes below, so that a wait for a tool that already ended still asks it. */
    private static final Duration FLOOR = Duration.ofMillis(1);

    private final Duration limit;
    private final long endsAt;
    private final Set<Runnable> onExpiry = new LinkedHashSet<>();
    private final Thread watchdog;
    private volatile boolean expired;

    private Deadline(Duration limit, String name) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a deadline needs a positive limit, got " + limit);
        }
        this.limit = limit;
        this.endsAt = System.nanoTime() + limit.toNanos();
        this.watchdog = Thread.ofPlatform().daemon().name(name + "-deadline").start(this::watch);
    }

    /** A deadline {@code limit} from now; {@code name} names its watchdog thread. */
    public static Deadline after(Duration limit, String name) {
        return new Deadline(limit, name);
    }

    private void watch() {
        try {
            for (long left; (left = endsAt - System.nanoTime()) > 0; ) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        } catch (InterruptedException e) {
            return; // closed before it passed
        }
        List<Runnable> stops;
        synchronized (this) {
            expired = true;
            stops = new ArrayList<>(onExpiry);
        }
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException ignored) {
                // stopping one must not keep the others running
            }
        }
    }

    /**
     * Runs {@code stop} when the deadline passes (at once if it has); the returned registration, closed, forgets it.
     */
    public Registration onExpiry(Runnable stop) {
        boolean now;
        synchronized (this) {
            now = expired;
            if (!now) {
                onExpiry.add(stop);
            }
        }
        if (now) {
            stop.run();
        }
        return () -> {
            synchronized (this) {
                onExpiry.remove(stop);
            }
        };
    }

    /** Whether the limit has passed. */
    public boolean expired() {
        return expired || System.nanoTime() - endsAt >= 0;
    }

    /** What is left of the limit (at least a millisecond, so a wait still asks a tool that ended). */
    public Duration remaining() {
        Duration left = Duration.ofNanos(endsAt - System.nanoTime());
        return left.compareTo(FLOOR) < 0 ? FLOOR : left;
    }

    /**
     * How long a wait for a tool may take: what is left and a grace of {@link #GRACE}. The watchdog stops the tool when
     * the deadline passes, so the wait ends then, and the failure is the deadline's; a wait of exactly what is left
     * could time out on its own a moment earlier and name the tool's timeout instead (seen in CI).
     */
    public Duration waitLimit() {
        return remaining().plus(GRACE);
    }

    /** See {@link #waitLimit()}. */
    static final Duration GRACE = Duration.ofSeconds(1);

    /** The whole limit, as given. */
    public Duration limit() {
        return limit;
    }

    @Override
    public void close() {
        watchdog.interrupt();
    }

    /** A registration of {@link #onExpiry}; closing it forgets the action. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
