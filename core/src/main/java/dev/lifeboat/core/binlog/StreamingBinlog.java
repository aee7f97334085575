package dev.lifeboat.core.binlog;

import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.BinlogSource;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.ArchiveProgress;
import dev.lifeboat.core.stream.HashingOutputStream;
import dev.lifeboat.protocol.BuildInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives a MySQL-family server's binary log into the vault as it is written (issue 40): the server's events, byte
 * for byte, in segments cut between transactions every {@code segmentAge} or {@code segmentBytes}, each an object
 * followed by its manifest. It continues where the vault's archive ends (so a streamer killed at any point and
 * started again leaves neither a hole nor an event twice), and where the server no longer holds that place (the
 * binlog was purged first, or the server is another one) it leaves a {@link Gap} mark and continues from the server's
 * present position.
 */
public final class StreamingBinlog {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingBinlog.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** How segments are cut, and how long to wait before reading again after the server was lost. */
    public record Settings(Duration segmentAge, long segmentBytes, Duration firstRetry, Duration lastRetry) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofSeconds(10), 64L << 20, Duration.ofSeconds(1), Duration.ofSeconds(30));

        public Settings {
            if (segmentAge.isNegative() || segmentAge.isZero() || segmentBytes < 1) {
                throw new IllegalArgumentException("a segment's age and size bound must be positive");
            }
        }
    }

    /** What a run archived. */
    public record Summary(
            int segments, long events, long bytes, int gaps, int interruptions, Optional<Segment> lastSegment) {}

    /** Another streamer writes this database's archive: the second one stops, so no event is archived twice. */
    public static final class Contended extends RefusedException {
        private static final long serialVersionUID = 1L;

        Contended(String databaseId, BinlogPosition at) {
            super(
                    "another streamer archives " + databaseId + ": it wrote the segment at " + at + " first",
                    "run one streamer per database; this one stopped and wrote nothing that duplicates it");
        }
    }

    private final Vault vault;
    private final BinlogSource binlogs;
    private final Clock clock;
    private final Settings settings;
    private final BinlogArchive archive;
    private final ArchiveProgress progress = new ArchiveProgress();

    public StreamingBinlog(Vault vault, BinlogSource binlogs, Clock clock, Settings settings) {
        this.vault = vault;
        this.binlogs = binlogs;
        this.clock = clock;
        this.settings = settings;
        this.archive = new BinlogArchive(vault);
    }

    /** How far behind the archive is, read while {@link #run} runs (the deployed streamer's lag metric). */
    public ArchiveProgress progress() {
        return progress;
    }

    /**
     * Streams until {@code stop} says so. The server lost (dropped connection, restart) is read again from the
     * archive's end, waiting longer each time up to {@code lastRetry}; what the server refuses outright (binary
     * logging off, not row-based) and a second streamer end the run with an exception.
     */
    public Summary run(String databaseId, DatabaseTarget source, BooleanSupplier stop) {
        VaultLayout.requireDatabaseId(databaseId);
        Counts counts = new Counts();
        Duration wait = settings.firstRetry();
        while (!stop.getAsBoolean()) {
            BinlogPosition from;
            long serverId;
            try {
                BinlogSource.Server server = binlogs.server(source);
                requireStreamable(source, server);
                serverId = server.serverId();
                from = resumeAt(databaseId, server, () -> binlogs.server(source), counts);
            } catch (RefusedException e) {
                throw e;
            } catch (LifeboatException | UncheckedIOException e) {
                counts.interruptions++;
                LOG.warn(
                        "cannot reach {} ({}); trying again in {}",
                        source.describe(),
                        e.getMessage(),
                        Durations.human(wait));
                sleep(wait, stop);
                wait = longer(wait);
                continue;
            }
            LOG.info("archiving the binlog of {} from {} into {}", databaseId, from, vault.describe());
            try (BinlogSource.Tail tail = binlogs.tail(source, from)) {
                pump(databaseId, serverId, from, source, tail, stop, counts);
                wait = settings.firstRetry();
            } catch (IOException | BinlogEvent.Malformed | LifeboatException e) {
                if (e instanceof Contended c) {
                    throw c;
                }
                if (e instanceof RefusedException r) {
                    throw r;
                }
                counts.interruptions++;
                if (stop.getAsBoolean()) {
                    break;
                }
                LOG.warn(
                        "reading the binlog of {} stopped ({}); continuing from the archive's end in {}",
                        databaseId,
                        e.getMessage(),
                        Durations.human(wait));
                sleep(wait, stop);
                wait = longer(wait);
            }
        }
        return new Summary(
                counts.segments,
                counts.events,
                counts.bytes,
                counts.gaps,
                counts.interruptions,
                archive.last(databaseId));
    }

    private static void requireStreamable(DatabaseTarget source, BinlogSource.Server server) {
        if (!server.binlogOn()) {
            throw new RefusedException(
                    "binary logging is off on " + source.describe() + "; there is no binlog to archive",
                    "on RDS, automated backups (backup retention of 1 day or more) turn it on; elsewhere start the"
                            + " server with log-bin");
        }
        if (!"ROW".equalsIgnoreCase(server.format())) {
            throw new RefusedException(
                    "binlog_format is " + server.format() + " on " + source.describe()
                            + "; a statement-based binlog does not replay to the same data",
                    "set binlog_format=ROW (on RDS in the DB parameter group; MariaDB's default is MIXED)");
        }
        if (server.rowImage() != null && !"FULL".equalsIgnoreCase(server.rowImage())) {
            throw new RefusedException(
                    "binlog_row_image is " + server.rowImage() + " on " + source.describe(),
                    "set binlog_row_image=FULL (the default; on RDS in the DB parameter group)");
        }
    }

    /**
     * Where to read from: the archive's end (its last segment's, or a gap's resumption after it), or its start when it
     * has no segment yet; and, where the server cannot give that place, a gap mark and the place the mark names.
     */
    private BinlogPosition resumeAt(
            String databaseId,
            BinlogSource.Server asked,
            java.util.function.Supplier<BinlogSource.Server> askAgain,
            Counts counts) {
        BinlogSource.Server server = asked;
        Optional<Segment> last = archive.last(databaseId);
        BinlogPosition end;
        long archivedServer;
        if (last.isEmpty()) {
            // The first segment: the archive's start decides where, so that a second streamer started at another
            // moment does not begin a chain of its own beside it.
            BinlogArchive.Start start = archive.start(
                    new BinlogArchive.Start(databaseId, server.current(), server.serverId(), clock.instant()));
            end = start.from();
            archivedServer = start.serverId();
        } else {
            end = last.get().continuesAt();
            archivedServer = last.get().serverId();
        }
        // A gap's resumption continues the archive as a segment's end does; gaps can follow one another (the server
        // lost the resumed place too before a segment followed it). The place reached is checked as an end is: a
        // purged file there is a gap of its own, marked from there, not a place to read from.
        List<Gap> gaps = archive.gaps(databaseId);
        for (boolean followed = true; followed; ) {
            followed = false;
            for (Gap g : gaps) {
                if (g.lastArchived().equals(end)
                        && g.resumedAt() != null
                        && !g.resumedAt().equals(end)) {
                    end = g.resumedAt();
                    archivedServer = server.serverId(); // a gap resumes on the server it was marked on
                    followed = true;
                    break;
                }
            }
        }
        String why = null;
        if (archivedServer != server.serverId()) {
            why = "the server's id is now " + server.serverId() + ", the archive's " + archivedServer
                    + " (another server: a failover, a restore, or a replacement)";
        } else if (!server.files().contains(end.file())) {
            why = "the server no longer holds " + end.file()
                    + " (purged before it was archived, or the binlog was reset)";
        } else if (end.compareTo(server.current()) > 0) {
            // Another streamer may have begun the archive after this one asked the server where it stood (found in
            // CI: a gap marked, and a second chain begun, between two streamers started a moment apart): ask again.
            server = askAgain.get();
            if (end.compareTo(server.current()) > 0) {
                why = "the archive ends at " + end + ", after the server's present position " + server.current();
            }
        }
        if (why == null) {
            return end;
        }
        Gap gap = archive.mark(new Gap(databaseId, end, server.current(), clock.instant(), why));
        counts.gaps++;
        progress.gapMarked();
        LOG.error(
                "GAP in the binlog archive of {}: {}; the events from {} to {} are not archived, and no restore crosses"
                        + " this point: take a dump of {} now to restore past it",
                databaseId,
                gap.reason(),
                end,
                gap.resumedAt(),
                databaseId);
        return gap.resumedAt();
    }

    private void pump(
            String databaseId,
            long serverId,
            BinlogPosition from,
            DatabaseTarget source,
            BinlogSource.Tail tail,
            BooleanSupplier stop,
            Counts counts)
            throws IOException {
        BinlogEvent format = null;
        boolean checksums = false;
        BinlogPosition expected = from;
        sampled = source;
        sample = sample(source);
        Instant sampledAt = clock.instant();
        Open open = null;
        // Where the file before ended, when it ended without a rotate: the next file's first segment says so.
        BinlogPosition follows = null;
        try {
            while (true) {
                if (stop.getAsBoolean()) {
                    if (open != null && open.atBoundary) {
                        cut(open, null, counts);
                        open = null;
                    }
                    return;
                }
                Optional<BinlogSource.Raw> raw;
                try {
                    raw = tail.next(POLL);
                } catch (IOException e) {
                    // The events read so far are whole and checked: what ends a transaction is archived now, not
                    // read again.
                    if (open != null && open.atBoundary) {
                        cut(open, null, counts);
                        open = null;
                    }
                    throw e;
                }
                if (raw.isEmpty() && open == null && !clock.instant().isBefore(sampledAt.plus(SAMPLE_EVERY))) {
                    // Nothing came and nothing read is unarchived: the archive is current if it reached where the
                    // server's binlog stands (nothing coming for a while alone says nothing).
                    sample = sample(source);
                    sampledAt = clock.instant();
                    completeAt(expected).ifPresent(progress::caughtUp);
                }
                if (raw.isPresent()) {
                    BinlogEvent e = BinlogEvent.of(raw.get().bytes());
                    if (!raw.get().file().equals(expected.file())) {
                        BinlogPosition next = BinlogPosition.startOf(raw.get().file());
                        if (next.compareTo(expected) <= 0
                                || e.type() != BinlogEvent.FORMAT_DESCRIPTION
                                || e.artificial()
                                || e.startPosition() != BinlogPosition.FIRST_EVENT) {
                            throw new BinlogEvent.Malformed(
                                    "an event of " + raw.get().file() + " while reading " + expected.file());
                        }
                        // The server went on to a new file with no rotate or stop event at the old one's end: it
                        // crashed (the rotate it sent this reader was made up, and is not in the file). The old file
                        // ends where its last whole event ends (found by a hostile review: the streamer stopped for
                        // good here, without a gap mark).
                        LOG.warn(
                                "{} ended at {} without a rotate (the server restarted after a crash); going on with {}",
                                expected.file(),
                                expected,
                                raw.get().file());
                        if (open != null && open.atBoundary) {
                            cut(open, raw.get().file(), counts);
                            open = null;
                        } else if (open != null) {
                            // A transaction the crash left unfinished, never committed: the events before it in this
                            // segment cannot be cut from it here, so the place is marked as a gap, not guessed at.
                            open.upload.abort();
                            Gap gap = archive.mark(new Gap(
                                    databaseId,
                                    open.from,
                                    next,
                                    clock.instant(),
                                    expected.file() + " ended inside a transaction (the server crashed)"));
                            open = null;
                            counts.gaps++;
                            progress.gapMarked();
                            LOG.error(
                                    "GAP in the binlog archive of {} after {}: {}",
                                    databaseId,
                                    gap.lastArchived(),
                                    gap.reason());
                        } else {
                            follows = expected;
                        }
                        expected = next;
                        format = null;
                    }
                    if (e.type() == BinlogEvent.FORMAT_DESCRIPTION) {
                        format = e;
                        checksums = e.describesChecksums();
                        if (checksums && !e.checksumMatches()) {
                            throw new BinlogEvent.Malformed("a format description failed its CRC32");
                        }
                        if (e.artificial()) {
                            continue;
                        }
                    }
                    if (format == null) {
                        throw new BinlogEvent.Malformed("the binlog did not begin with a format description");
                    }
                    if (checksums && !e.checksumMatches()) {
                        throw new BinlogEvent.Malformed("the event at " + expected + " failed its CRC32");
                    }
                    if (e.artificial()) {
                        continue;
                    }
                    if (e.startPosition() != expected.position()) {
                        throw new BinlogEvent.Malformed("the event at " + expected.file() + ":" + e.startPosition()
                                + " came where " + expected + " was expected");
                    }
                    if (open == null) {
                        open = new Open(databaseId, serverId, expected, format);
                        if (expected.position() == BinlogPosition.FIRST_EVENT) {
                            open.follows = follows;
                        }
                        follows = null;
                    }
                    open.add(e, checksums);
                    expected = new BinlogPosition(expected.file(), e.endPosition());
                    if (e.type() == BinlogEvent.ROTATE || e.type() == BinlogEvent.STOP) {
                        String next = e.type() == BinlogEvent.ROTATE
                                ? BinlogPosition.requireFile(e.rotatesTo(checksums))
                                : BinlogPosition.successor(expected.file());
                        cut(open, next, counts);
                        open = null;
                        expected = BinlogPosition.startOf(next);
                        format = null;
                        continue;
                    }
                }
                if (open != null && open.atBoundary && open.due()) {
                    cut(open, null, counts);
                    open = null;
                }
            }
        } finally {
            if (open != null) {
                open.upload.abort();
            }
        }
    }

    /** The server's binlog position sampled last, and when (this process's clock); null until read. */
    private Sample sample;

    /** The server sampled (the run's source). */
    private DatabaseTarget sampled;

    private record Sample(BinlogPosition at, Instant when) {}

    /** How often an idle streamer samples where the server's binlog stands. */
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);

    /** Commits are stamped in whole seconds: a sample vouches for the transactions committed this much before it. */
    static final Duration SAMPLE_MARGIN = Duration.ofSeconds(2);

    private Sample sample(DatabaseTarget source) {
        try {
            return new Sample(binlogs.server(source).current(), clock.instant());
        } catch (LifeboatException | UncheckedIOException e) {
            LOG.warn(
                    "cannot read where the server's binlog stands ({}); the archive's lag is not known until it can",
                    e.getMessage());
            return null;
        }
    }

    /** The moment up to which an archive read to {@code reached} holds every commit, if it reached the sample. */
    private Optional<Instant> completeAt(BinlogPosition reached) {
        return sample != null && sample.at().compareTo(reached) <= 0
                ? Optional.of(sample.when().minus(SAMPLE_MARGIN))
                : Optional.empty();
    }

    private void cut(Open open, String nextFile, Counts counts) throws IOException {
        Instant complete = completeAt(
                        nextFile == null
                                ? new BinlogPosition(open.from.file(), open.end)
                                : BinlogPosition.startOf(nextFile))
                .orElse(null);
        open.hashing.flush();
        Vault.StoredObject stored = open.upload.complete();
        Segment segment = new Segment(
                Segment.CURRENT_VERSION,
                open.databaseId,
                open.serverId,
                open.serverVersion,
                open.from.file(),
                open.from.position(),
                open.end,
                nextFile,
                open.firstEventAt,
                open.lastEventAt,
                open.events,
                open.hashing.sha().bytes(),
                open.hashing.sha().hex(),
                stored.key(),
                stored.versionId(),
                clock.instant(),
                BuildInfo.current().version(),
                open.follows,
                complete);
        if (stored.size() != segment.sizeBytes()) {
            throw new IOException("the vault stored " + stored.size() + " bytes of segment " + open.from + ", "
                    + segment.sizeBytes() + " were written");
        }
        if (!archive.record(segment)) {
            throw new Contended(open.databaseId, open.from);
        }
        progress.archived(segment.lastEventAt());
        if (complete != null) {
            progress.caughtUp(complete);
        }
        sample = sample(sampled);
        counts.segments++;
        counts.events += segment.events();
        counts.bytes += segment.sizeBytes();
        LOG.info(
                "archived {} {} to {} ({} events, {} bytes, last event {})",
                open.databaseId,
                open.from,
                segment.continuesAt(),
                segment.events(),
                segment.sizeBytes(),
                segment.lastEventAt());
    }

    /** A segment being written: its upload, its hash, and what its manifest will say. */
    private final class Open {
        final String databaseId;
        final long serverId;
        final BinlogPosition from;
        final String serverVersion;
        final Vault.Upload upload;
        final HashingOutputStream hashing;
        final Instant openedAt = clock.instant();
        Instant firstEventAt;
        Instant lastEventAt;
        long end;
        int events;
        boolean atBoundary;
        BinlogPosition follows;

        Open(String databaseId, long serverId, BinlogPosition from, BinlogEvent format) throws IOException {
            this.databaseId = databaseId;
            this.serverId = serverId;
            this.from = from;
            this.serverVersion = format.serverVersion();
            this.end = from.position();
            this.upload = vault.startUpload(BinlogArchive.objectKey(databaseId, from, VaultLayout.newAttempt()));
            this.hashing = new HashingOutputStream(upload.stream());
            hashing.write(BinlogEvent.magic());
            if (from.position() != BinlogPosition.FIRST_EVENT) {
                // Not the file's start: the description the reader was given comes first, so that the object is a
                // binlog file the engine's tools read on its own.
                hashing.write(format.bytes());
            }
        }

        void add(BinlogEvent e, boolean checksums) throws IOException {
            hashing.write(e.bytes());
            // The earliest and latest stamps, not the first and last: a statement is stamped when it began, and one
            // that ran long is written after those that began later (found by a hostile review).
            if (firstEventAt == null || e.timestamp().isBefore(firstEventAt)) {
                firstEventAt = e.timestamp();
            }
            if (lastEventAt == null || e.timestamp().isAfter(lastEventAt)) {
                lastEventAt = e.timestamp();
            }
            end = e.endPosition();
            events++;
            atBoundary = e.endsATransaction(checksums);
        }

        boolean due() {
            return hashing.sha().bytes() >= settings.segmentBytes()
                    || !clock.instant().isBefore(openedAt.plus(settings.segmentAge()));
        }
    }

    private static final class Counts {
        int segments;
        long events;
        long bytes;
        int gaps;
        int interruptions;
    }

    private Duration longer(Duration wait) {
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(settings.lastRetry()) > 0 ? settings.lastRetry() : doubled;
    }

    private static void sleep(Duration wait, BooleanSupplier stop) {
        long until = System.nanoTime() + wait.toNanos();
        while (!stop.getAsBoolean() && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
