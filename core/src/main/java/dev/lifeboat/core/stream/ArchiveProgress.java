package dev.lifeboat.core.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How far behind its source a streamer's change archive is, read while it runs (issues 40 and 41): the deployed
 * streamer publishes it every minute as a metric that alarms. The archive is current as of the newest moment it
 * certainly holds: the last commit (or event) of the newest segment written, or a moment at which the streamer sampled
 * the server's position and then archived up to it. Never "nothing came for a while": a server decoding a large
 * transaction sends nothing while commits wait (found by a hostile review). Lag is the time since then, so it grows
 * while the streamer is stopped, stuck or behind, and a streamer that has not caught up once since it started reports
 * none (the silent alarm covers it).
 */
public final class ArchiveProgress {
    private final AtomicReference<Instant> current = new AtomicReference<>();
    private final AtomicInteger gaps = new AtomicInteger();

    /** A segment was written whose newest commit is {@code lastCommit} (the source's time; null: none). */
    public void archived(Instant lastCommit) {
        if (lastCommit != null) {
            current.accumulateAndGet(lastCommit, ArchiveProgress::later);
        }
    }

    /** The archive holds every commit made up to {@code at} (a sampled position of the source, reached). */
    public void caughtUp(Instant at) {
        current.accumulateAndGet(at, ArchiveProgress::later);
    }

    public void gapMarked() {
        gaps.incrementAndGet();
    }

    /** The gaps marked since this run began. */
    public int gaps() {
        return gaps.get();
    }

    /** The archive's lag at {@code now}; empty before it was current once. Never negative (clocks differ). */
    public Optional<Duration> lag(Instant now) {
        Instant at = current.get();
        if (at == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(at, now);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
