package dev.lifeboat.core.changes;

import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.ArchiveProgress;
import dev.lifeboat.core.stream.HashingOutputStream;
import dev.lifeboat.protocol.BuildInfo;
import dev.lifeboat.protocol.Param;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives a PostgreSQL database's committed changes into the vault as they are made (issue 41): wal2json's lines
 * (format 2) read through a logical replication slot of Lifeboat's own, in segments of whole transactions cut every
 * {@code segmentAge} or {@code segmentBytes}, each an object followed by its manifest; only then is the position
 * confirmed to the server, so a streamer killed at any point is sent again what it had not archived. While the
 * database is idle, the server's position is confirmed every {@code idleConfirm} through a segment with no
 * transaction, so an idle database does not pin WAL. Where the slot is gone or was moved past the archive's end, a
 * {@link ChangeGap} is marked and the archive goes on from the slot.
 */
public final class StreamingChanges {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingChanges.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * A commit is stamped just before its record is written (and, with synchronous_commit off, flushed within a few
     * of the WAL writer's 200 ms rounds): a sample of the server's position vouches for the commits stamped this much
     * before it.
     */
    static final Duration SAMPLE_MARGIN = Duration.ofSeconds(2);

    public record Settings(
            Duration segmentAge, long segmentBytes, Duration idleConfirm, Duration firstRetry, Duration lastRetry) {
        public static final Settings DEFAULT = new Settings(
                Duration.ofSeconds(10),
                64L << 20,
                Duration.ofMinutes(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));

        public Settings {
            if (segmentAge.isNegative() || segmentAge.isZero() || segmentBytes < 1 || idleConfirm.isNegative()) {
                throw new IllegalArgumentException("a segment's age and size bound must be positive");
            }
        }
    }

    public record Summary(
            int segments,
            long transactions,
            long bytes,
            int gaps,
            int interruptions,
            Optional<ChangeSegment> lastSegment) {}

    /** Another streamer reads this slot or wrote this segment first: the second one stops. */
    public static final class Contended extends RefusedException {
        private static final long serialVersionUID = 1L;

        Contended(String what) {
            super(what, "run one streamer per database; this one stopped and wrote nothing that duplicates it");
        }
    }

    private final Vault vault;
    private final ChangeFeed feed;
    private final Clock clock;
    private final Settings settings;
    private final ChangeArchive archive;
    private final ArchiveProgress progress = new ArchiveProgress();

    public StreamingChanges(Vault vault, ChangeFeed feed, Clock clock, Settings settings) {
        this.vault = vault;
        this.feed = feed;
        this.clock = clock;
        this.settings = settings;
        this.archive = new ChangeArchive(vault);
    }

    /** How far behind the archive is, read while {@link #run} runs (the deployed streamer's lag metric). */
    public ArchiveProgress progress() {
        return progress;
    }

    /** Lifeboat's slot for a database id: its own name, so no one mistakes it, and never another tool's. */
    public static String slotName(String databaseId) {
        String s = "lifeboat_" + databaseId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 63 ? s.substring(0, 63) : s;
    }

    public Summary run(String databaseId, DatabaseTarget source, BooleanSupplier stop) {
        VaultLayout.requireDatabaseId(databaseId);
        String slot = slotName(databaseId);
        Counts counts = new Counts();
        Duration wait = settings.firstRetry();
        while (!stop.getAsBoolean()) {
            long from;
            String systemId;
            try {
                ChangeFeed.Server server = feed.server(source);
                requireStreamable(source, server);
                systemId = server.systemId();
                from = resumeAt(databaseId, source, slot, server, counts);
            } catch (RefusedException e) {
                throw e;
            } catch (LifeboatException | UncheckedIOException e) {
                if (e instanceof dev.lifeboat.core.error.DatabaseAccessException d && d.loginRefused()) {
                    // A rotated or wrong password does not get better by trying it again: the caller reads the
                    // login anew (the deployed streamer reads its secret again) or says what to fix.
                    throw new RefusedException(d.getMessage(), d.hint());
                }
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
            LOG.info(
                    "archiving the changes of {} from {} (slot {}) into {}",
                    databaseId,
                    Lsn.format(from),
                    slot,
                    vault.describe());
            try (ChangeFeed.Stream stream = feed.stream(source, slot, from)) {
                pump(databaseId, systemId, slot, source, from, stream, stop, counts);
                wait = settings.firstRetry();
            } catch (IOException | WalLine.Malformed | LifeboatException | UncheckedIOException e) {
                if (e instanceof RefusedException r) {
                    throw r;
                }
                counts.interruptions++;
                if (stop.getAsBoolean()) {
                    break;
                }
                LOG.warn(
                        "reading the changes of {} stopped ({}); continuing from the archive's end in {}",
                        databaseId,
                        e.getMessage(),
                        Durations.human(wait));
                sleep(wait, stop);
                wait = longer(wait);
            }
        }
        return new Summary(
                counts.segments,
                counts.transactions,
                counts.bytes,
                counts.gaps,
                counts.interruptions,
                archive.last(databaseId));
    }

    private static void requireStreamable(DatabaseTarget source, ChangeFeed.Server server) {
        if (server.standbyWithoutDecoding()) {
            throw new RefusedException(
                    source.describe() + " is a standby (in recovery) of PostgreSQL " + server.version()
                            + ", which decodes nothing before version 16",
                    "point " + Param.SOURCE + " at the primary (on RDS the instance itself, not a read replica)");
        }
        if (!"logical".equals(server.walLevel())) {
            throw new RefusedException(
                    "wal_level is " + server.walLevel() + " on " + source.describe()
                            + "; logical decoding needs wal_level=logical",
                    "on RDS set rds.logical_replication=1 in the DB parameter group and reboot; elsewhere start the"
                            + " server with wal_level=logical");
        }
        if (server.maxSlotWalKeepSizeMb() < 0) {
            throw new RefusedException(
                    "max_slot_wal_keep_size is unlimited on " + source.describe()
                            + "; a replication slot whose reader stops would keep WAL until production's disk fills",
                    "set max_slot_wal_keep_size (e.g. 10240, in MB, in the DB parameter group): past it the server"
                            + " gives the slot up, Lifeboat marks a gap and starts again, and production keeps its disk");
        }
    }

    /** Where to read from, creating the slot when it is missing and marking a gap where the archive cannot go on. */
    private long resumeAt(
            String databaseId, DatabaseTarget source, String slotName, ChangeFeed.Server server, Counts counts) {
        Optional<ChangeSegment> last = archive.last(databaseId);
        Optional<ChangeFeed.Slot> slot = feed.slot(source, slotName);
        if (slot.isPresent()) {
            ChangeFeed.Slot s = slot.get();
            if (!"wal2json".equals(s.plugin()) || !source.database().equals(s.database())) {
                throw new RefusedException(
                        "the replication slot " + slotName + " on " + source.describe() + " is not Lifeboat's (plugin "
                                + s.plugin() + ", database " + s.database() + ")",
                        "drop it if it is a stale one of Lifeboat's, or archive this database under another "
                                + Param.DATABASE + " id");
            }
            if (s.active()) {
                throw new Contended("another reader holds the replication slot " + slotName + " of " + databaseId);
            }
            if (s.lost()) {
                LOG.error(
                        "the server gave up Lifeboat's slot {} (its WAL passed max_slot_wal_keep_size); making a"
                                + " new one",
                        slotName);
                feed.dropSlot(source, slotName);
                slot = Optional.empty();
            }
        }
        if (slot.isEmpty()) {
            long created = feed.createSlot(source, slotName);
            LOG.info("created the replication slot {} on {} at {}", slotName, source.describe(), Lsn.format(created));
            if (last.isPresent()) {
                return gap(
                        databaseId,
                        last.get().end(),
                        created,
                        "Lifeboat's replication slot " + slotName + " was gone (dropped, given up by the server, or"
                                + " the server replaced)",
                        counts);
            }
            return created;
        }
        long confirmed = slot.get().confirmedFlush();
        if (last.isEmpty()) {
            return confirmed;
        }
        long end = last.get().end();
        // Where the archive goes on: its end, or where the gaps marked at its end resumed (no segment since). Another
        // server is told apart only at a segment's end: a gap's resumption is on the server it was marked on.
        long resumed = resumedAfterGaps(databaseId, end);
        if (resumed == end && !server.systemId().equals(last.get().systemId())) {
            return gap(
                    databaseId,
                    end,
                    confirmed,
                    "the server is another one (system id " + server.systemId() + ", the archive's "
                            + last.get().systemId() + ")",
                    counts);
        }
        if (confirmed > resumed) {
            return gap(
                    databaseId,
                    resumed,
                    confirmed,
                    "the slot " + slotName + " was moved on to " + Lsn.format(confirmed) + " by another reader, past "
                            + (resumed == end ? "the archive's end" : "where the archive resumed"),
                    counts);
        }
        return resumed;
    }

    /**
     * Where the archive resumed after the gaps marked at its end and not yet followed by a segment (a gap can follow
     * another: the slot lost again before a segment was written); {@code end} where none is.
     */
    private long resumedAfterGaps(String databaseId, long end) {
        List<ChangeGap> gaps = archive.gaps(databaseId);
        long at = end;
        boolean followed = true;
        while (followed) {
            followed = false;
            for (ChangeGap g : gaps) {
                if (g.resumedAt() != null && Lsn.parse(g.lastArchived()) == at && Lsn.parse(g.resumedAt()) > at) {
                    at = Lsn.parse(g.resumedAt());
                    followed = true;
                    break;
                }
            }
        }
        return at;
    }

    private long gap(String databaseId, long end, long resumed, String why, Counts counts) {
        // A gap marked at this end already (the slot lost again before a segment followed it): this one starts where
        // that one resumed, so that no stretch between the two goes unmarked.
        long from = resumedAfterGaps(databaseId, end);
        if (from >= resumed) {
            return from;
        }
        ChangeGap g =
                archive.mark(new ChangeGap(databaseId, Lsn.format(from), Lsn.format(resumed), clock.instant(), why));
        counts.gaps++;
        progress.gapMarked();
        LOG.error(
                "GAP in the change archive of {}: {}; the changes committed after {} up to {} are not archived, and no"
                        + " restore crosses this point: take a dump of {} now to restore past it",
                databaseId,
                g.reason(),
                g.lastArchived(),
                g.resumedAt(),
                databaseId);
        return Lsn.parse(g.resumedAt());
    }

    private void pump(
            String databaseId,
            String systemId,
            String slot,
            DatabaseTarget source,
            long from,
            ChangeFeed.Stream stream,
            BooleanSupplier stop,
            Counts counts)
            throws IOException, WalLine.Malformed {
        long archivedUpTo = from;
        Instant lastCut = clock.instant();
        sample = sample(source);
        Open open = null;
        boolean skipping = false;
        try {
            while (true) {
                if (stop.getAsBoolean()) {
                    if (open != null && open.atBoundary) {
                        archivedUpTo = cut(open, source, stream, counts);
                        open = null;
                    }
                    return;
                }
                Optional<byte[]> line;
                try {
                    line = stream.next(POLL);
                } catch (IOException e) {
                    // What ends a transaction is whole and checked: archived now, not read again.
                    if (open != null && open.atBoundary) {
                        cut(open, source, stream, counts);
                        open = null;
                    }
                    throw e;
                }
                if (line.isPresent()) {
                    WalLine w = WalLine.parse(line.get());
                    if (w.begins()) {
                        // Sent again after a restart: committed before the archive's end, so archived already.
                        skipping = w.lsn() < archivedUpTo;
                        if (!skipping) {
                            if (open == null) {
                                open = new Open(databaseId, systemId, slot, archivedUpTo);
                            }
                            open.begin();
                        }
                    }
                    if (!skipping && open != null && open.inTransaction) {
                        open.add(line.get(), w);
                    }
                    if (w.commits()) {
                        skipping = false;
                    }
                }
                if (open != null && open.atBoundary && open.due()) {
                    archivedUpTo = cut(open, source, stream, counts);
                    open = null;
                    lastCut = clock.instant();
                } else if (open == null
                        && !skipping
                        && !clock.instant().isBefore(lastCut.plus(settings.idleConfirm()))) {
                    long at = stream.lastReceived();
                    if (at > archivedUpTo) {
                        Open idle = new Open(databaseId, systemId, slot, archivedUpTo);
                        idle.end = at;
                        archivedUpTo = cut(idle, source, stream, counts);
                    } else {
                        // Nothing new from the server: the archive is current if it reached the server's position.
                        sample = sample(source);
                        completeAt(archivedUpTo).ifPresent(progress::caughtUp);
                    }
                    lastCut = clock.instant();
                }
            }
        } finally {
            if (open != null) {
                open.abort();
            }
        }
    }

    /**
     * The server's position sampled last (at the last cut or idle check): an archive that reached it holds every commit
     * stamped before its moment, less the margin. Null until the first sample or when one could not be read.
     */
    private ChangeFeed.Position sample;

    /** The moment up to which an archive read to {@code archivedUpTo} holds every commit, if it reached the sample. */
    private Optional<java.time.Instant> completeAt(long archivedUpTo) {
        return sample != null && sample.lsn() <= archivedUpTo
                ? Optional.of(sample.at().minus(SAMPLE_MARGIN))
                : Optional.empty();
    }

    private ChangeFeed.Position sample(DatabaseTarget source) {
        try {
            return feed.position(source);
        } catch (LifeboatException | UncheckedIOException e) {
            LOG.warn(
                    "cannot read where the server's WAL stands ({}); the archive's lag is not known until it can",
                    e.getMessage());
            return null;
        }
    }

    /** Completes the segment's object, writes its manifest, then confirms its end to the server. */
    private long cut(Open open, DatabaseTarget source, ChangeFeed.Stream stream, Counts counts) throws IOException {
        ChangeFeed.State state = feed.state(source);
        java.time.Instant complete = completeAt(open.end).orElse(null);
        Vault.StoredObject stored = open.complete();
        ChangeSegment segment = new ChangeSegment(
                ChangeSegment.CURRENT_VERSION,
                open.databaseId,
                open.systemId,
                open.slot,
                Lsn.format(open.start),
                Lsn.format(open.end),
                open.firstCommitAt,
                open.lastCommitAt,
                open.transactions,
                open.changes,
                open.hashing == null ? 0 : open.hashing.sha().bytes(),
                open.hashing == null ? null : open.hashing.sha().hex(),
                stored == null ? null : stored.key(),
                stored == null ? null : stored.versionId(),
                clock.instant(),
                BuildInfo.current().version(),
                state.sequences(),
                state.fingerprint(),
                state.withoutIdentity(),
                complete);
        if (stored != null && stored.size() != segment.sizeBytes()) {
            throw new IOException("the vault stored " + stored.size() + " bytes of change segment " + segment.startLsn()
                    + ", " + segment.sizeBytes() + " were written");
        }
        if (!archive.record(segment)) {
            throw new Contended("another streamer archives " + open.databaseId + ": it wrote the segment at "
                    + segment.startLsn() + " first");
        }
        stream.confirm(open.end);
        progress.archived(segment.lastCommitAt());
        if (complete != null) {
            progress.caughtUp(complete);
        }
        sample = sample(source);
        counts.segments++;
        counts.transactions += segment.transactions();
        counts.bytes += segment.sizeBytes();
        if (!segment.empty()) {
            LOG.info(
                    "archived {} {} to {} ({} transactions, {} changes, {} bytes, last commit {})",
                    open.databaseId,
                    segment.startLsn(),
                    segment.endLsn(),
                    segment.transactions(),
                    segment.changes(),
                    segment.sizeBytes(),
                    segment.lastCommitAt());
        }
        return open.end;
    }

    /** A segment being written: its upload (opened at its first transaction), its hash and its manifest's counts. */
    private final class Open {
        final String databaseId;
        final String systemId;
        final String slot;
        final long start;
        final Instant openedAt = clock.instant();
        Vault.Upload upload;
        HashingOutputStream hashing;
        long end;
        Instant firstCommitAt;
        Instant lastCommitAt;
        int transactions;
        long changes;
        boolean inTransaction;
        boolean atBoundary = true;

        Open(String databaseId, String systemId, String slot, long start) {
            this.databaseId = databaseId;
            this.systemId = systemId;
            this.slot = slot;
            this.start = start;
            this.end = start;
        }

        void begin() throws IOException {
            if (upload == null) {
                upload = vault.startUpload(ChangeArchive.objectKey(databaseId, start, VaultLayout.newAttempt()));
                hashing = new HashingOutputStream(upload.stream());
            }
            inTransaction = true;
            atBoundary = false;
        }

        void add(byte[] line, WalLine w) throws IOException {
            if (w.action() == 'M' && !inTransaction) {
                return;
            }
            hashing.write(line);
            hashing.write('\n');
            if (w.changesRows()) {
                changes++;
            }
            if (w.commits()) {
                transactions++;
                inTransaction = false;
                atBoundary = true;
                end = w.nextLsn();
                firstCommitAt = firstCommitAt == null || w.at().isBefore(firstCommitAt) ? w.at() : firstCommitAt;
                lastCommitAt = lastCommitAt == null || w.at().isAfter(lastCommitAt) ? w.at() : lastCommitAt;
            }
        }

        boolean due() {
            return (hashing != null && hashing.sha().bytes() >= settings.segmentBytes())
                    || !clock.instant().isBefore(openedAt.plus(settings.segmentAge()));
        }

        Vault.StoredObject complete() throws IOException {
            if (upload == null) {
                return null;
            }
            hashing.flush();
            return upload.complete();
        }

        void abort() {
            if (upload != null) {
                upload.abort();
            }
        }
    }

    private static final class Counts {
        int segments;
        long transactions;
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
