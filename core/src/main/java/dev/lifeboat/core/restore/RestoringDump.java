package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Deadline;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.Param;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a logical dump from the vault into a database.
 *
 * <p>Safety rules: the target must be empty unless the caller explicitly allows otherwise, and
 * nothing is ever dropped. The object's SHA-256 and size are checked while it streams; the last
 * chunk is held back until they match, so a corrupt backup never completes a restore. For
 * PostgreSQL the restore runs in a single transaction, so a corrupt or failed restore leaves the
 * target as it was; MariaDB commits DDL as it goes, so a failed restore there leaves a partial
 * database, and the error says so.
 */
public final class RestoringDump {
    private static final Logger LOG = LoggerFactory.getLogger(RestoringDump.class);

    /**
     * What to restore, and where. {@code backup}: an id or "latest". {@code createDatabase}: create the
     * target database (it must not exist). {@code allowNonEmptyTarget}: the caller accepts restoring
     * on top of existing tables.
     */
    public record Command(
            String databaseId,
            String backup,
            DatabaseTarget target,
            boolean createDatabase,
            boolean allowNonEmptyTarget,
            boolean keepOwnership,
            ProgressListener progress) {
        public Command {
            Objects.requireNonNull(target, "target");
            progress = progress == null ? ProgressListener.NONE : progress;
        }

        /** The same command, telling {@code listener} how it goes. */
        public Command withProgress(ProgressListener listener) {
            return new Command(
                    databaseId, backup, target, createDatabase, allowNonEmptyTarget, keepOwnership, listener);
        }

        /** A dump restore request's command, into the target its front end resolved from the request's reference. */
        public static Command of(
                dev.lifeboat.protocol.request.DumpRestore r, DatabaseTarget into, ProgressListener progress) {
            return new Command(
                    r.database(), r.backup(), into, r.create(), r.allowNonEmptyTarget(), r.keepOwnership(), progress);
        }
    }

    public record Result(DumpManifest manifest, String target, long bytes, Duration elapsed) {}

    private final Vault vault;
    private final DatabaseInspector inspector;
    private final DumpTools tools;
    private final Clock clock;
    private final Duration timeout;
    private final int jobs;
    private final boolean oneTransaction;
    /** What to do when the restore runs out of time: a front end knows what gives more (issue 35). */
    private final String outOfTime;

    /** Run past its limit, by default: give it more. */
    private static final String RAISE_THE_LIMIT =
            "raise the restore's time limit (" + Param.TIMEOUT_MINUTES + ") and run it again";

    public RestoringDump(Vault vault, DatabaseInspector inspector, DumpTools tools, Clock clock, Duration timeout) {
        this(vault, inspector, tools, clock, timeout, 1, false, RAISE_THE_LIMIT);
    }

    private RestoringDump(
            Vault vault,
            DatabaseInspector inspector,
            DumpTools tools,
            Clock clock,
            Duration timeout,
            int jobs,
            boolean oneTransaction,
            String outOfTime) {
        this.vault = vault;
        this.inspector = inspector;
        this.tools = tools;
        this.clock = clock;
        this.timeout = timeout;
        this.jobs = jobs;
        this.oneTransaction = oneTransaction;
        this.outOfTime = outOfTime;
    }

    /**
     * With {@code hint} as what to do when the restore runs out of time, where raising its own limit would not help
     * (the function's invocation, the task's 12 hours).
     */
    public RestoringDump whenOutOfTime(String hint) {
        return new RestoringDump(vault, inspector, tools, clock, timeout, jobs, oneTransaction, hint);
    }

    /**
     * A parallel PostgreSQL backup loaded in one transaction ({@code --single-transaction}, issue 13): its parts one
     * after another through one session, all or nothing, even into a database that existed; slower than the parallel
     * load, which it replaces. One stream's restore is one transaction anyway.
     */
    public RestoringDump inOneTransaction(boolean one) {
        return new RestoringDump(vault, inspector, tools, clock, timeout, jobs, one, outOfTime);
    }

    /**
     * With at most {@code n} connections for a parallel dump's restore (its data parts at once, then pg_restore's
     * {@code --jobs} for indexes and constraints); one stream's restore is unaffected.
     */
    public RestoringDump withJobs(int n) {
        if (n < 1) {
            throw new InvalidInputException(
                    "jobs " + n + " cannot restore anything", "give " + Param.JOBS + " 1 or more");
        }
        return new RestoringDump(vault, inspector, tools, clock, timeout, n, oneTransaction, outOfTime);
    }

    /**
     * Every check a restore makes before it changes anything (the backup, the engine family, the load tool's
     * version, the target database's state), and nothing else: the dry run. Returns the backup it would
     * restore.
     */
    public DumpManifest plan(Command command) {
        DumpManifest manifest = checks().backup(command).manifest();
        DumpTarget.check(inspector, command);
        return manifest;
    }

    public Result restore(Command command) {
        DumpLoad load = new DumpLoad(vault, tools, jobs, oneTransaction, outOfTime);
        try (Deadline deadline = Deadline.after(timeout, "restore")) {
            return restore(load.guarded(command, deadline), load, deadline);
        }
    }

    private DumpChecks checks() {
        return new DumpChecks(vault, tools, clock, oneTransaction);
    }

    /**
     * Checks, then changes: the backup and the tools are checked (and a MariaDB/MySQL backup read whole) before the
     * target is prepared; the load runs; its target is noted complete, or cleaned up after a failure.
     */
    private Result restore(Command command, DumpLoad load, Deadline deadline) {
        Instant start = clock.instant();
        DumpChecks.Checked backup = checks().backup(command);
        DumpManifest manifest = backup.manifest();
        Map<String, Long> phases = new LinkedHashMap<>();
        Instant checks = clock.instant();
        phases.put(
                RecoveryLog.Phase.PLAN.label(), Duration.between(start, checks).toSeconds());
        if (manifest.engine().isMysqlFamily()) {
            // MariaDB and MySQL commit as they load: a corrupt dump must be caught before its first byte is
            // applied, so the object is read through SHA-256 in full first, and read again to load it.
            DumpChecks.readWhole(vault, manifest, StoredObject.whole(manifest), command.progress());
            phases.put(
                    RecoveryLog.Phase.CHECKS.label(),
                    Duration.between(checks, clock.instant()).toSeconds());
        }
        DumpTarget target = DumpTarget.prepare(inspector, clock, command, manifest);
        Instant loading = clock.instant();

        String into = command.target().describe();
        LOG.info(
                "restoring backup {} of {} ({} bytes) into {}",
                manifest.backupId(),
                manifest.databaseId(),
                manifest.totalBytes(),
                into);
        command.progress().onPhase("restored", manifest.totalBytes());
        long bytes;
        Instant end;
        try {
            bytes = load.load(backup, command, target.created(), deadline);
            end = clock.instant();
            // Inside the cleanup's reach: a restore stopped between its last byte and this note (SIGTERM at 90%
            // in RestoreTaskFaultsIT) left a database still noted INCOMPLETE and not removed.
            target.complete(end);
        } catch (RuntimeException failure) {
            // Any failure past the limit is the time-out, the completion note's included (as before the split).
            throw target.failed(load.outOfTime(failure, deadline), load.partByPart(manifest));
        } catch (Error fatal) {
            target.failed(fatal);
            throw fatal;
        }
        Duration elapsed = Duration.between(start, end);
        phases.put(
                RecoveryLog.Phase.LOAD.label(), Duration.between(loading, end).toSeconds());
        LOG.info("restore of {} into {} complete in {}", manifest.backupId(), into, Durations.human(elapsed));
        RecoveryLog.Entry record =
                new RecoveryLog.Entry(1, manifest.databaseId(), "dump", into, manifest.backupId(), start, end, phases);
        new RecoveryLog(vault).record(record);
        return new Result(manifest, into, bytes, elapsed);
    }
}
