package dev.lifeboat.core.changes;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RestoreNote;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.stream.TempFolders;
import dev.lifeboat.protocol.Param;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a PostgreSQL database to a moment (issue 41): the newest dump whose snapshot was certainly taken by then,
 * then from the change archive every transaction that snapshot does not see and that committed at or before the
 * moment, in commit order, in one transaction, then the sequences. Every segment needed is read and checked before
 * the first byte is loaded; a moment the archive does not reach is refused with the moments it does. Tables whose
 * updates and deletes logical decoding cannot carry (no primary key, no replica identity) are restored as of the dump
 * and named.
 */
public final class ReplayingChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayingChanges.class);
    /** How long before a dump's snapshot a transaction it did not see may have written its commit. */
    static final Duration REACH_BACK = Duration.ofMinutes(5);

    public record Command(
            String databaseId,
            Instant moment,
            String base,
            DatabaseTarget target,
            boolean createDatabase,
            boolean keepOwnership,
            ProgressListener progress) {}

    public record Plan(DumpManifest base, List<ChangeSegment> segments, Instant moment, Set<String> notCarried) {}

    public record Result(RestoringDump.Result base, int segments, long transactions, Set<String> notCarried) {}

    private final Vault vault;
    private final BackupCatalog catalog;
    private final RestoringDump restoring;
    private final DatabaseInspector inspector;
    private final ChangeFeed feed;
    private final Clock clock;
    private final Duration timeout;
    private final ChangeArchive archive;

    public ReplayingChanges(
            Vault vault,
            BackupCatalog catalog,
            RestoringDump restoring,
            DatabaseInspector inspector,
            ChangeFeed feed,
            Clock clock,
            Duration timeout) {
        this.vault = vault;
        this.catalog = catalog;
        this.restoring = restoring;
        this.inspector = inspector;
        this.feed = feed;
        this.clock = clock;
        this.timeout = timeout;
        this.archive = new ChangeArchive(vault);
    }

    public Plan plan(String databaseId, Instant moment, String base) {
        if (moment.isAfter(clock.instant())) {
            throw new RefusedException(
                    "cannot restore " + databaseId + " to " + moment + ": that moment has not come yet (now is "
                            + clock.instant().truncatedTo(ChronoUnit.SECONDS) + ")",
                    "give a moment in the past, in ISO-8601 UTC, e.g. " + Param.TO_TIME + " 2026-12-05T22:59:30Z");
        }
        List<ChangeSegment> segments = archive.segments(databaseId);
        List<DumpManifest> candidates = new ArrayList<>();
        if (base != null) {
            candidates.add(catalog.find(databaseId, base));
        } else {
            candidates.addAll(catalog.backups(databaseId));
            candidates.sort(Comparator.comparing(DumpManifest::finishedAt).reversed());
        }
        List<String> reasons = new ArrayList<>();
        for (DumpManifest m : candidates) {
            List<ChangeSegment> needed = new ArrayList<>();
            String reason = unusable(m, moment, segments, needed);
            if (reason == null) {
                Set<String> notCarried = new TreeSet<>();
                needed.forEach(s -> notCarried.addAll(s.withoutIdentity()));
                return new Plan(m, needed, moment, notCarried);
            }
            if (base != null || reasons.size() < 3) {
                reasons.add("dump " + m.backupId() + " " + reason);
            }
            if (base != null) {
                break;
            }
        }
        String why = candidates.isEmpty()
                ? "the vault holds no dump of it"
                : String.join("; ", reasons)
                        + (candidates.size() > reasons.size()
                                ? "; and " + (candidates.size() - reasons.size())
                                        + " older dump(s) none of which can start it"
                                : "");
        throw ChangeArchive.unreachable(
                databaseId, moment, ChangeArchive.windows(segments, catalog.backups(databaseId)), why);
    }

    /** Why {@code m} cannot start a restore to {@code moment}, or null when it can (then {@code needed} is filled). */
    private static String unusable(
            DumpManifest m, Instant moment, List<ChangeSegment> segments, List<ChangeSegment> needed) {
        DumpManifest.Changes c = m.changes();
        if (c == null) {
            return "records no place in the change stream (taken with wal_level below logical, or by a Lifeboat"
                    + " before issue 41)";
        }
        if (c.snapshotBy() == null || c.snapshotBy().isAfter(moment)) {
            return "was taken after that moment (its snapshot by " + c.snapshotBy() + ")";
        }
        List<ChangeSegment> chain = new ArrayList<>(ChangeArchive.chainFrom(segments, Lsn.parse(c.lsn())));
        if (chain.isEmpty()) {
            return "stands at " + c.lsn() + ", which no archived change segment holds";
        }
        // A transaction whose commit was written just before the dump's position was read, but which the snapshot
        // taken after it did not yet see (its commit still waiting, e.g. on a synchronous standby), is in a segment
        // before: the segments of the minutes before the snapshot are read too, and the snapshot decides.
        Instant reachBack = c.snapshotBy().minus(REACH_BACK);
        boolean extended = true;
        while (extended) {
            extended = false;
            for (ChangeSegment s : segments) {
                if (s.end() == chain.getFirst().start()
                        && s.end() > s.start()
                        && !(s.lastCommitAt() == null ? s.writtenAt() : s.lastCommitAt()).isBefore(reachBack)) {
                    chain.addFirst(s);
                    extended = true;
                    break;
                }
            }
        }
        for (ChangeSegment s : chain) {
            needed.add(s);
            if (s.lastCommitAt() != null && s.lastCommitAt().isAfter(moment)) {
                break;
            }
        }
        // Reached: a commit after the moment is in the archive, or a segment reached a position the server had at a
        // moment after it (not when a segment was written: a streamer catching up writes old commits now).
        boolean reaches = ChangeArchive.readUpTo(chain).isAfter(moment);
        if (!reaches) {
            return "is followed by an archive read up to " + ChangeArchive.readUpTo(chain) + ", before that moment";
        }
        // A segment's fingerprint is read when it was cut: one cut before the moment that differs from the dump's
        // says the tables' columns changed before the moment. After the moment the fingerprint says nothing of it
        // (the destruction itself is often DDL); there the replay checks each insert's columns against the table.
        for (ChangeSegment s : needed) {
            if (s.writtenAt().isBefore(moment)
                    && c.fingerprint() != null
                    && s.fingerprint() != null
                    && !c.fingerprint().equals(s.fingerprint())) {
                Instant from = s.firstCommitAt() == null ? s.writtenAt() : s.firstCommitAt();
                return "is followed by a change of the tables' columns (by the segment at " + s.startLsn() + ", from "
                        + from + "); logical decoding does not carry DDL, so a replay across it is refused";
            }
        }
        return null;
    }

    public Result restore(Command command) {
        Plan plan = plan(command.databaseId(), command.moment(), command.base());
        DumpManifest base = plan.base();
        DatabaseTarget target = command.target();
        Path work = TempFolders.create("lifeboat-changes-");
        try {
            List<Path> files;
            try {
                files = archive.fetchChecked(plan.segments(), work);
            } catch (ChecksumMismatchException e) {
                throw e;
            } catch (IOException e) {
                throw new VaultException(
                        "reading the change archive of " + command.databaseId() + " from " + vault.describe()
                                + " failed: " + e.getMessage(),
                        "nothing was loaded or created; check the vault and retry");
            }
            feed.checkCanApply(target);
            if (!plan.notCarried().isEmpty()) {
                LOG.warn(
                        "{}: the tables {} have no primary key or replica identity; logical decoding does not carry"
                                + " their updates and deletes, so they are restored as of backup {}",
                        command.databaseId(),
                        plan.notCarried(),
                        base.backupId());
            }
            LOG.info(
                    "restoring {} to {}: backup {} then {} change segments from {}",
                    command.databaseId(),
                    command.moment(),
                    base.backupId(),
                    plan.segments().size(),
                    base.changes().lsn());
            RestoringDump.Result restored = restoring.restore(new RestoringDump.Command(
                    command.databaseId(),
                    base.backupId(),
                    target,
                    command.createDatabase(),
                    false,
                    command.keepOwnership(),
                    command.progress()));
            if (command.createDatabase()) {
                RestoreNote.incomplete(
                        inspector,
                        target,
                        command.databaseId(),
                        base.backupId(),
                        command.moment(),
                        "replaying the changes after the dump",
                        clock.instant());
            }
            Changes changes =
                    new Changes(files, Snapshot.parse(base.changes().snapshot()), command.moment(), plan.notCarried());
            ChangeFeed.Applied applied;
            try {
                applied = feed.apply(target, changes, plan.segments().getLast().sequences(), timeout);
            } catch (RuntimeException failure) {
                // Whatever stopped it (a refusal, the server, a temporary file that could not be read), the database
                // this restore created does not stay behind half made.
                LifeboatException e = failure instanceof LifeboatException l
                        ? l
                        : new RestoreFailedException(
                                "replaying the changes into " + target.describe() + " stopped ("
                                        + failure.getClass().getSimpleName() + ": " + failure.getMessage()
                                        + "); nothing of them was kept",
                                "retry; if it stops again, restore to an earlier moment or the dump alone, and report"
                                        + " this to Lifeboat's maintainers",
                                failure);
                if (command.createDatabase()) {
                    try {
                        inspector.dropCreatedDatabase(target);
                        e.withAftermath("the database '" + target.database() + "', which this restore created, was"
                                + " removed");
                    } catch (RuntimeException dropFailed) {
                        e.addSuppressed(dropFailed);
                        e.withAftermath("this restore created the database '" + target.database()
                                + "' and could not remove it: drop it before retrying");
                    }
                } else {
                    e.withAftermath("the database '" + target.database() + "' holds the dump but none of the changes"
                            + " after it (they are applied in one transaction)");
                }
                throw e;
            } finally {
                changes.close();
            }
            if (command.createDatabase()) {
                RestoreNote.complete(
                        inspector, target, command.databaseId(), base.backupId(), command.moment(), clock.instant());
            }
            LOG.info(
                    "{}: replayed {} changes of {} transactions ({} updates replaced whole by a later one of the same"
                            + " row; {} window(s) applied one change at a time in the source's order)",
                    command.databaseId(),
                    applied.changes(),
                    changes.transactions,
                    applied.superseded(),
                    applied.windowsInOrder());
            return new Result(restored, plan.segments().size(), changes.transactions, plan.notCarried());
        } finally {
            TempFolders.deleteAll(work);
        }
    }

    /** {@code txid_current_snapshot()} as text: which transactions a dump's snapshot sees. */
    record Snapshot(long xmin, long xmax, Set<Long> running) {
        static Snapshot parse(String text) {
            String[] p = text == null ? new String[0] : text.split(":", -1);
            if (p.length != 3) {
                throw new IllegalArgumentException("not a snapshot: " + text);
            }
            Set<Long> running = new java.util.HashSet<>();
            for (String x : p[2].split(",", -1)) {
                if (!x.isBlank()) {
                    running.add(Long.parseLong(x.strip()));
                }
            }
            return new Snapshot(Long.parseLong(p[0]), Long.parseLong(p[1]), running);
        }

        /** Whether the transaction (wal2json's 32-bit id) had committed when the snapshot was taken. */
        boolean sees(long xid32) {
            long epoch = xmax >>> 32;
            long full = (epoch << 32) | (xid32 & 0xFFFFFFFFL);
            if (full > xmax + (1L << 31)) {
                full -= 1L << 32;
            } else if (full < xmax - (1L << 31)) {
                full += 1L << 32;
            }
            if (full < xmin) {
                return true;
            }
            if (full >= xmax) {
                return false;
            }
            return !running.contains(full);
        }
    }

    /**
     * The change lines to apply, read from the checked files: each transaction the dump's snapshot does not see and
     * that committed at or before the moment, up to the first one committed after it; the tables not carried left out.
     */
    private static final class Changes implements Iterator<byte[]>, AutoCloseable {
        private final Iterator<Path> files;
        private final Snapshot snapshot;
        private final Instant moment;
        private final Set<String> notCarried;
        private BufferedReader reader;
        private byte[] next;
        private boolean applying;
        private boolean done;
        long transactions;

        Changes(List<Path> files, Snapshot snapshot, Instant moment, Set<String> notCarried) {
            this.files = files.iterator();
            this.snapshot = snapshot;
            this.moment = moment;
            this.notCarried = notCarried;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null && !done) {
                    String line = reader == null ? null : reader.readLine();
                    if (line == null) {
                        if (reader != null) {
                            reader.close();
                            reader = null;
                        }
                        if (!files.hasNext()) {
                            done = true;
                            break;
                        }
                        reader = Files.newBufferedReader(files.next(), StandardCharsets.UTF_8);
                        continue;
                    }
                    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                    WalLine w = WalLine.parse(bytes);
                    if (w.begins()) {
                        if (w.at().isAfter(moment)) {
                            done = true;
                            break;
                        }
                        applying = !snapshot.sees(w.xid());
                        if (applying) {
                            transactions++;
                        }
                    } else if (applying
                            && w.changesRows()
                            // A truncate is decoded whatever the table's identity, and one that cascaded from a carried
                            // table must run with it (a foreign key refuses a truncate of the referenced table alone).
                            && (w.action() == 'T' || !notCarried.contains(w.qualifiedTable()))) {
                        next = bytes;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (WalLine.Malformed e) {
                throw new IllegalStateException("a checked change segment changed on disk: " + e.getMessage());
            }
            return next != null;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte[] b = next;
            next = null;
            return b;
        }

        @Override
        public void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    // read-only file in Lifeboat's own temp folder
                }
            }
        }
    }

    /** For the listing: the sequences' values a restore to the end of {@code segments} sets. */
    static Map<String, Long> sequences(List<ChangeSegment> segments) {
        return segments.isEmpty() ? Map.of() : segments.getLast().sequences();
    }
}
