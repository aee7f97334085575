package dev.lifeboat.core.binlog;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.BinlogSource;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RestoreNote;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.stream.TempFolders;
import dev.lifeboat.protocol.Param;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a MySQL-family database to a moment (issue 40): the newest dump whose snapshot was certainly taken by
 * then, and the binlog archive's events from the dump's position up to the moment. Every segment needed is read and
 * checked (size, SHA-256, every event whole, checksums, positions without a hole) before the first byte is loaded; a
 * moment the archive does not reach is refused with the moments it does.
 *
 * <p>To the second: the binlog stamps events in whole seconds, so every transaction stamped at or before the moment's
 * second is replayed, and the replay stops at the first event stamped after it.
 */
public final class RestoringToMoment {
    private static final Logger LOG = LoggerFactory.getLogger(RestoringToMoment.class);

    public record Command(
            String databaseId,
            Instant moment,
            String base,
            DatabaseTarget target,
            boolean createDatabase,
            boolean keepOwnership,
            ProgressListener progress) {}

    /** The dump to start from, the segments to replay after it, and the first second not replayed. */
    public record Plan(DumpManifest base, List<Segment> segments, Instant stopAt) {}

    public record Result(RestoringDump.Result base, int segments, Instant replayedBefore) {}

    private final Vault vault;
    private final BackupCatalog catalog;
    private final RestoringDump restoring;
    private final DatabaseInspector inspector;
    private final BinlogSource binlogs;
    private final Clock clock;
    private final Duration timeout;
    private final BinlogArchive archive;

    public RestoringToMoment(
            Vault vault,
            BackupCatalog catalog,
            RestoringDump restoring,
            DatabaseInspector inspector,
            BinlogSource binlogs,
            Clock clock,
            Duration timeout) {
        this.vault = vault;
        this.catalog = catalog;
        this.restoring = restoring;
        this.inspector = inspector;
        this.binlogs = binlogs;
        this.clock = clock;
        this.timeout = timeout;
        this.archive = new BinlogArchive(vault);
    }

    /** What a restore to {@code moment} would load; refuses, naming what can be reached, when nothing can. */
    public Plan plan(String databaseId, Instant moment, String base) {
        if (moment.isAfter(clock.instant())) {
            throw new RefusedException(
                    "cannot restore " + databaseId + " to " + moment + ": that moment has not come yet (now is "
                            + clock.instant().truncatedTo(ChronoUnit.SECONDS) + ")",
                    "give a moment in the past, in ISO-8601 UTC, e.g. " + Param.TO_TIME + " 2026-12-05T22:59:30Z");
        }
        Instant stopAt = moment.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        List<Segment> segments = archive.segments(databaseId);
        List<BinlogArchive.Window> windows = BinlogArchive.windows(segments);
        List<DumpManifest> candidates = new ArrayList<>();
        if (base != null) {
            candidates.add(catalog.find(databaseId, base));
        } else {
            candidates.addAll(catalog.backups(databaseId));
            candidates.sort(Comparator.comparing(DumpManifest::finishedAt).reversed());
        }
        List<String> reasons = new ArrayList<>();
        for (DumpManifest m : candidates) {
            String reason = unusable(m, moment, segments, stopAt);
            if (reason == null) {
                List<Segment> chain = BinlogArchive.chainFrom(segments, position(m));
                List<Segment> needed = new ArrayList<>();
                for (Segment s : chain) {
                    needed.add(s);
                    if (!s.lastEventAt().isBefore(stopAt)) {
                        break;
                    }
                }
                return new Plan(m, needed, stopAt);
            }
            if (base != null) {
                throw BinlogArchive.unreachable(databaseId, moment, windows, "backup " + m.backupId() + " " + reason);
            }
            if (reasons.size() < 3) {
                reasons.add("dump " + m.backupId() + " " + reason);
            }
        }
        String why = candidates.isEmpty()
                ? "the vault holds no dump of it"
                : String.join("; ", reasons)
                        + (candidates.size() > reasons.size()
                                ? "; and " + (candidates.size() - reasons.size())
                                        + " older dump(s) none of which can start it"
                                : "");
        throw BinlogArchive.unreachable(databaseId, moment, windows, why);
    }

    /** Why {@code m} cannot start a restore to {@code moment}, or null when it can. */
    private static String unusable(DumpManifest m, Instant moment, List<Segment> segments, Instant stopAt) {
        if (m.binlog() == null) {
            return "records no binlog position (taken with binary logging off, or by a Lifeboat before issue 40)";
        }
        if (m.binlog().snapshotBy() == null || m.binlog().snapshotBy().isAfter(moment)) {
            return "was taken after that moment (its snapshot by " + m.binlog().snapshotBy() + ")";
        }
        List<Segment> chain = BinlogArchive.chainFrom(segments, position(m));
        if (chain.isEmpty()) {
            return "stands at " + position(m) + ", which no archived binlog segment holds";
        }
        // Reached: an event stamped after the moment is archived, or a segment reached a position the server's
        // binlog had at a moment after it (an idle database writes nothing; RDS writes a heartbeat row every 5
        // minutes). Never when a segment was written: a streamer catching up writes old events now.
        boolean reaches = chain.stream().anyMatch(s -> !s.lastEventAt().isBefore(stopAt))
                || chain.stream()
                        .anyMatch(s ->
                                s.completeUpTo() != null && !s.completeUpTo().isBefore(stopAt));
        if (!reaches) {
            return "is followed by an archive that ends at " + chain.getLast().lastEventAt() + " (at "
                    + chain.getLast().continuesAt() + "), before that moment";
        }
        return null;
    }

    private static BinlogPosition position(DumpManifest m) {
        return new BinlogPosition(m.binlog().file(), m.binlog().position());
    }

    public Result restore(Command command) {
        Plan plan = plan(command.databaseId(), command.moment(), command.base());
        DumpManifest base = plan.base();
        String schema = base.binlog().schema();
        DatabaseTarget target = command.target();
        Path work = TempFolders.create("lifeboat-replay-");
        try {
            List<SegmentReader.Statement> statements = new ArrayList<>();
            List<Path> files;
            try {
                files = archive.fetchChecked(plan.segments(), position(base), plan.stopAt(), work, statements::add);
            } catch (IOException e) {
                throw new VaultException(
                        "reading the binlog archive of " + command.databaseId() + " from " + vault.describe()
                                + " failed: " + e.getMessage(),
                        "nothing was loaded or created; check the vault and retry");
            }
            refuseWhatReplayWouldGetWrong(statements, schema, target, plan.stopAt());
            LOG.info(
                    "restoring {} to {}: backup {} then {} binlog segments from {}",
                    command.databaseId(),
                    command.moment(),
                    base.backupId(),
                    plan.segments().size(),
                    position(base));
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
                        "replaying the binlog after the dump",
                        clock.instant());
            }
            try {
                binlogs.replay(files, schema, target, timeout);
            } catch (LifeboatException e) {
                if (command.createDatabase()) {
                    try {
                        inspector.dropCreatedDatabase(target);
                        e.withAftermath(
                                "the database '" + target.database() + "', which this restore created, was removed");
                    } catch (RuntimeException dropFailed) {
                        e.addSuppressed(dropFailed);
                        e.withAftermath("this restore created the database '" + target.database()
                                + "' and could not remove it: drop it before retrying");
                    }
                } else {
                    e.withAftermath(
                            "the database '" + target.database() + "' holds the dump and part of the changes after"
                                    + " it: restore into a new database (" + Param.CREATE + ")");
                }
                throw e;
            }
            if (command.createDatabase()) {
                RestoreNote.complete(
                        inspector, target, command.databaseId(), base.backupId(), command.moment(), clock.instant());
            }
            return new Result(restored, plan.segments().size(), plan.stopAt());
        } finally {
            TempFolders.deleteAll(work);
        }
    }

    /**
     * Under row-based logging the binlog carries DDL as statement text, which {@code mariadb-binlog} keeps by the
     * statement's default database and never rewrites: DDL run from another database is left out, and DDL that names
     * the schema would change the source's own database when replayed under another name. Both are refused before
     * anything is loaded.
     */
    private static void refuseWhatReplayWouldGetWrong(
            List<SegmentReader.Statement> statements, String schema, DatabaseTarget target, Instant stopAt) {
        Pattern names = Pattern.compile(
                "(?i)(?<![A-Za-z0-9_$])`?" + Pattern.quote(schema) + "`?\\s*\\.|(?i)\\b(DATABASE|SCHEMA)"
                        + "\\s+(IF\\s+(NOT\\s+)?EXISTS\\s+)?`?" + Pattern.quote(schema) + "`?(?![A-Za-z0-9_$])");
        for (SegmentReader.Statement s : statements) {
            if (!s.at().isBefore(stopAt)) {
                continue;
            }
            boolean named = names.matcher(s.text()).find();
            if (named && !schema.equals(s.database())) {
                throw new RefusedException(
                        "a statement of " + s.at() + " changes `" + schema + "` from another database ("
                                + (s.database().isEmpty() ? "none" : "`" + s.database() + "`")
                                + "); the binlog replay keeps statements by their default database and would leave it"
                                + " out",
                        "nothing was loaded; restore to a moment before " + s.at() + ", or from a dump taken after it");
            }
            if (named && !schema.equals(target.database())) {
                throw new RefusedException(
                        "a statement of " + s.at() + " names `" + schema + "` itself; replayed into '"
                                + target.database() + "' it would change `" + schema + "` on the target server",
                        "nothing was loaded; restore into a database named " + schema + " on another server ("
                                + Param.CREATE_INSTANCE + "), or to a moment before " + s.at());
            }
        }
    }
}
