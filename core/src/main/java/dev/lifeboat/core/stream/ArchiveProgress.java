package dev.lifeboat.core.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How far behind its source a streamer's change archive is, read while it runs (issues 40 and 41): the deployed
 * streamer publishes it every minute as a metric that alarms. The archive is current as of the newest moment it
 * holds: the last commit (or event) of the newest segment written, or the moment the streamer found nothing left to
 * read with nothing unarchived. Lag is the time since then, so it grows while the streamer is stopped, stuck or
 * behind, and a streamer that has not caught up once since it started reports none (the silent alarm covers it).
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

    /** Everything the source sent has been archived, and nothing more came: the archive is current {@code now}. */
    public void caughtUp(Instant now) {
        current.accumulateAndGet(now, ArchiveProgress::later);
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
