package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.ClientVersionPolicy;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Deadline;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.DumpTools.LoadTool;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.HashingInputStream;
import dev.lifeboat.protocol.Param;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
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
    private static final int CHUNK = 256 * 1024;

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
        DumpManifest manifest = new BackupCatalog(vault, clock).find(command.databaseId(), command.backup());
        checkOneTransaction(checkCompatible(manifest, command.target()), command.target());
        checkTarget(command, command.target());
        return manifest;
    }

    public Result restore(Command command) {
        try (Deadline deadline = Deadline.after(timeout, "restore")) {
            return restore(guarded(command, deadline), deadline);
        }
    }

    /**
     * {@code command} whose progress, told as bytes move, ends the restore once the deadline has passed: the data loops
     * stop there, and the watchdog stops the tool of the moment.
     */
    private Command guarded(Command command, Deadline deadline) {
        return new Command(
                command.databaseId(),
                command.backup(),
                command.target(),
                command.createDatabase(),
                command.allowNonEmptyTarget(),
                command.keepOwnership(),
                guarded(command.progress(), deadline));
    }

    private ProgressListener guarded(ProgressListener inner, Deadline deadline) {
        return new ProgressListener() {
            @Override
            public void onProgress(long bytesSoFar) {
                if (deadline.expired()) {
                    throw timedOut(deadline, null);
                }
                inner.onProgress(bytesSoFar);
            }

            @Override
            public void onStart(long expectedBytes) {
                inner.onStart(expectedBytes);
            }

            @Override
            public void onPhase(String doing, long expectedBytes) {
                inner.onPhase(doing, expectedBytes);
            }
        };
    }

    /** The restore ran past its limit and was stopped; {@code failure}, what the stopped tool said, is kept as cause. */
    private RestoreFailedException timedOut(Deadline deadline, RuntimeException failure) {
        return new TimedOut(deadline, outOfTime, failure);
    }

    /** The restore's own time-out failure, whatever the tool it stopped said. */
    private static final class TimedOut extends RestoreFailedException {
        private static final long serialVersionUID = 1L;

        TimedOut(Deadline deadline, String hint, RuntimeException failure) {
            super(
                    "the restore did not finish within " + Durations.human(deadline.limit()) + " and was stopped",
                    hint,
                    failure);
        }
    }

    private Result restore(Command command, Deadline deadline) {
        Instant start = clock.instant();
        DumpManifest manifest = new BackupCatalog(vault, clock).find(command.databaseId(), command.backup());
        DatabaseTarget target = command.target();
        LoadTool tool = checkCompatible(manifest, target);
        checkOneTransaction(tool, target);
        Map<String, Long> phases = new LinkedHashMap<>();
        Instant checks = clock.instant();
        phases.put(
                RecoveryLog.Phase.PLAN.label(), Duration.between(start, checks).toSeconds());
        if (manifest.engine().isMysqlFamily()) {
            // MariaDB and MySQL commit as they load: a corrupt dump must be caught before its first byte is
            // applied, so the object is read through SHA-256 in full first, and read again to load it.
            verifyInFull(manifest, whole(manifest), command.progress());
            phases.put(
                    RecoveryLog.Phase.CHECKS.label(),
                    Duration.between(checks, clock.instant()).toSeconds());
        }
        boolean created = prepareTarget(command, target, manifest);
        Instant load = clock.instant();

        LOG.info(
                "restoring backup {} of {} ({} bytes) into {}",
                manifest.backupId(),
                manifest.databaseId(),
                manifest.totalBytes(),
                target.describe());
        command.progress().onPhase("restored", manifest.totalBytes());
        long bytes;
        Instant end;
        boolean oneSession = manifest.parallel() && oneTransaction;
        try {
            bytes = oneSession
                    ? loadInOneSession(manifest, tool, command, deadline)
                    : manifest.parallel()
                            ? loadParallel(manifest, tool, command, created, deadline)
                            : streamIntoLoader(
                                    manifest,
                                    whole(manifest),
                                    tool,
                                    command,
                                    new DumpTools.LoadOptions(command.keepOwnership()),
                                    deadline);
            end = clock.instant();
            if (created) {
                // Inside the cleanup's reach: a restore stopped between its last byte and this note (SIGTERM at 90%
                // in RestoreTaskFaultsIT) left a database still noted INCOMPLETE and not removed.
                RestoreNote.completeCreated(inspector, target, manifest.databaseId(), manifest.backupId(), end);
            }
        } catch (RuntimeException failure) {
            RuntimeException e =
                    deadline.expired() && !(failure instanceof TimedOut) ? timedOut(deadline, failure) : failure;
            throw created
                    ? removeCreated(target, e)
                    : manifest.parallel() && !oneSession ? leftInPlaceAfterParts(target, e) : leftInPlace(target, e);
        } catch (Error fatal) {
            // Out of memory, a library that could not load: no message of Lifeboat's can be added to it, but the
            // database this restore created (and holds only part of) still goes.
            if (created) {
                try {
                    inspector.dropCreatedDatabase(target);
                    LOG.info("removed database '{}', which this failed restore had created", target.database());
                } catch (RuntimeException e) {
                    fatal.addSuppressed(e);
                }
            }
            throw fatal;
        }
        Duration elapsed = Duration.between(start, end);
        phases.put(RecoveryLog.Phase.LOAD.label(), Duration.between(load, end).toSeconds());
        LOG.info(
                "restore of {} into {} complete in {}",
                manifest.backupId(),
                target.describe(),
                Durations.human(elapsed));
        RecoveryLog.Entry record = new RecoveryLog.Entry(
                1, manifest.databaseId(), "dump", target.describe(), manifest.backupId(), start, end, phases);
        new RecoveryLog(vault).record(record);
        return new Result(manifest, target.describe(), bytes, elapsed);
    }

    /** The backup's engine family and dump tool against the target's engine and load tool. */
    private LoadTool checkCompatible(DumpManifest manifest, DatabaseTarget target) {
        if (manifest.engine().isMysqlFamily() != target.engine().isMysqlFamily()) {
            throw new InvalidInputException(
                    "backup " + manifest.backupId() + " is a " + manifest.engine()
                            + " dump and cannot be restored into " + target.engine(),
                    "give a " + Param.TARGET + " of the same engine family, e.g. "
                            + manifest.engine().urlScheme() + "://USER@HOST:PORT/NEWDB");
        }
        if (manifest.zstd() && !tools.zstd()) {
            throw new InvalidInputException(
                    "backup " + manifest.backupId() + " is compressed with zstd, which this Lifeboat cannot read",
                    "restore it with the command line or the functions of this release, which read zstd");
        }
        SoftwareVersion dumper = SoftwareVersion.tryParse(manifest.dumpToolVersion())
                .orElseThrow(() -> new InvalidInputException(
                        "backup " + manifest.backupId() + " of " + manifest.databaseId() + " names a dump tool version"
                                + " Lifeboat cannot read, so it cannot choose a tool to load it with",
                        "choose another backup with " + Param.BACKUP));
        LoadTool tool = tools.loadTool(target.engine(), dumper);
        ClientVersionPolicy.checkLoad(target.engine(), tool.name(), tool.version(), dumper);
        return tool;
    }

    /** True when this restore created the target database (and so may remove it again). */
    private boolean prepareTarget(Command command, DatabaseTarget target, DumpManifest manifest) {
        checkTarget(command, target);
        if (command.createDatabase()) {
            RestoreNote.createIncomplete(
                    inspector,
                    target,
                    manifest.databaseId(),
                    manifest.backupId(),
                    null,
                    "loading the dump",
                    clock.instant());
            return true;
        }
        return false;
    }

    /** The target database's state against what the command asks for; changes nothing. */
    private void checkTarget(Command command, DatabaseTarget target) {
        boolean exists = inspector.databaseExists(target);
        if (command.createDatabase()) {
            if (exists) {
                java.util.Optional<String> stopped = RestoreNote.leftIncomplete(inspector, target);
                if (stopped.isPresent()) {
                    throw new RefusedException(
                            "target database '" + target.database() + "' on " + target.host() + ":" + target.port()
                                    + " holds a restore that was stopped before it finished (its note: \""
                                    + stopped.get() + "\")",
                            "it holds part of what was asked for: drop it (DROP DATABASE \"" + target.database()
                                    + "\") and restore again, or restore into a new name");
                }
                throw new RefusedException(
                        "target database '" + target.database() + "' already exists on " + target.host() + ":"
                                + target.port(),
                        "leave out " + Param.CREATE + " to restore into it (it must be empty), or name a new database");
            }
            return;
        }
        if (!exists) {
            throw new InvalidInputException(
                    "target database '" + target.database() + "' does not exist on " + target.host() + ":"
                            + target.port(),
                    "pass " + Param.CREATE + " to create it");
        }
        long objects = inspector.userObjectCount(target);
        if (objects > 0 && !command.allowNonEmptyTarget()) {
            throw new RefusedException(
                    "target database '" + target.database() + "' already holds " + objects
                            + " tables, views, sequences or routines; restoring into it could mix or clash with that data",
                    "restore into a new database with " + Param.CREATE + ", or pass " + Param.ALLOW_NON_EMPTY_TARGET
                            + " if you mean to load on top of it"
                            + " (nothing is dropped either way)");
        }
    }

    /** Reads {@code object} whole through SHA-256 against the manifest, telling {@code progress} as it goes. */
    private void verifyInFull(DumpManifest manifest, Stored object, ProgressListener progress) {
        progress.onPhase("checked", object.size());
        LOG.info(
                "checking every byte of backup {} ({} bytes) against its SHA-256 before loading any: MariaDB and MySQL"
                        + " commit as they load",
                manifest.backupId(),
                object.size());
        try (InputStream stored = vault.open(object.key(), object.versionId())) {
            HashingInputStream hashed = new HashingInputStream(stored);
            byte[] buf = new byte[CHUNK];
            long read = 0;
            for (int n; (n = hashed.read(buf, 0, buf.length)) >= 0; ) {
                read += n;
                progress.onProgress(read);
            }
            verify(manifest, object, hashed, null);
        } catch (IOException e) {
            throw new VaultException(
                    "reading backup " + manifest.backupId() + " from " + vault.describe() + " failed: "
                            + e.getMessage(),
                    "nothing was loaded or created; check the vault and retry",
                    e);
        }
    }

    /** A failed restore into a database it created: the database goes, and the message says so. */
    private RuntimeException removeCreated(DatabaseTarget target, RuntimeException failure) {
        String what = "database '" + target.database() + "' on " + target.host() + ":" + target.port();
        try {
            inspector.dropCreatedDatabase(target);
            LOG.info("removed {}, which this failed restore had created", what);
            return annotate(failure, "the " + what + ", which this restore created, was removed");
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return annotate(
                    failure,
                    "this restore created the " + what + " and could not remove it (" + e.getMessage()
                            + "); it holds at most part of the dump: drop it before retrying");
        }
    }

    /** A failed restore into a database that existed before: never dropped, and the message says what it may hold. */
    private static RuntimeException leftInPlace(DatabaseTarget target, RuntimeException failure) {
        return annotate(
                failure,
                target.engine().isMysqlFamily()
                        ? "the database '" + target.database()
                                + "' existed before this restore and was not dropped; it may"
                                + " now hold part of the dump (MariaDB/MySQL commit as they load)"
                        : "the database '" + target.database() + "' existed before this restore; the restore ran in one"
                                + " transaction, so it was left as it was");
    }

    private static RuntimeException annotate(RuntimeException failure, String what) {
        if (failure instanceof LifeboatException le) {
            le.withAftermath(what);
        }
        return failure;
    }

    /** One stored object of a backup and what its manifest vouches for. */
    private record Stored(String key, String versionId, long size, String sha256) {}

    private static Stored whole(DumpManifest m) {
        return new Stored(m.objectKey(), m.objectVersionId(), m.sizeBytes(), m.sha256());
    }

    /**
     * A parallel dump's restore (issue 13): its schema part staged to a local file and checked in full; the
     * pre-data section from it (tables, types, functions); the data parts at once, at most {@code jobs}, each
     * streamed, checked and loaded in its own transaction; then indexes, constraints and triggers with
     * pg_restore's {@code --jobs}. There is no transaction around the whole: a failure into a database this restore
     * created removes it; into one that existed, the message says what it may now hold.
     */
    private long loadParallel(
            DumpManifest manifest, LoadTool tool, Command command, boolean created, Deadline deadline) {
        DumpTools.LoadOptions options = new DumpTools.LoadOptions(command.keepOwnership());
        java.nio.file.Path staged = stagingFile(manifest);
        try {
            stage(manifest, whole(manifest), staged);
            if (!created) {
                // Into a database that existed, the parts load in transactions of their own: every part is read
                // through SHA-256 first, so that a corrupt backup changes nothing there (one more read of the data,
                // as for MariaDB).
                for (DumpManifest.Part p : manifest.parts()) {
                    verifyInFull(
                            manifest,
                            new Stored(p.objectKey(), p.objectVersionId(), p.sizeBytes(), p.sha256()),
                            guarded(ProgressListener.NONE, deadline));
                }
            }
            long bytes = manifest.sizeBytes();
            runFromFile(tool, command.target(), options.section(DumpTools.Section.PRE_DATA, staged), deadline);
            java.util.concurrent.ExecutorService loaders = java.util.concurrent.Executors.newFixedThreadPool(
                    Math.min(jobs, manifest.parts().size()),
                    Thread.ofPlatform().daemon().name("restore-part-", 0).factory());
            try {
                List<java.util.concurrent.Future<Long>> loads = new java.util.ArrayList<>();
                long[] progressOf = new long[manifest.parts().size()];
                for (int i = 0; i < manifest.parts().size(); i++) {
                    DumpManifest.Part p = manifest.parts().get(i);
                    int n = i;
                    ProgressListener partProgress = b -> {
                        synchronized (progressOf) {
                            progressOf[n] = b;
                            command.progress()
                                    .onProgress(manifest.sizeBytes()
                                            + java.util.Arrays.stream(progressOf)
                                                    .sum());
                        }
                    };
                    Command part = new Command(
                            command.databaseId(),
                            command.backup(),
                            command.target(),
                            command.createDatabase(),
                            command.allowNonEmptyTarget(),
                            command.keepOwnership(),
                            partProgress);
                    loads.add(loaders.submit(() -> streamIntoLoader(
                            manifest,
                            new Stored(p.objectKey(), p.objectVersionId(), p.sizeBytes(), p.sha256()),
                            tool,
                            part,
                            options.section(DumpTools.Section.DATA, null),
                            deadline)));
                }
                RuntimeException first = null;
                for (java.util.concurrent.Future<Long> f : loads) {
                    try {
                        bytes += f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (first == null) {
                            first = e.getCause() instanceof RuntimeException r
                                    ? r
                                    : new RestoreFailedException(
                                            "loading a part failed: " + e.getCause(), "retry the restore");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RestoreFailedException("interrupted while loading the data parts", "retry");
                    }
                }
                if (first != null) {
                    throw first;
                }
            } finally {
                loaders.shutdownNow();
            }
            runFromFile(
                    tool,
                    command.target(),
                    jobs > 1
                            ? options.parallel(DumpTools.Section.POST_DATA, jobs, staged)
                            : options.section(DumpTools.Section.POST_DATA, staged),
                    deadline);
            command.progress().onProgress(bytes);
            return bytes;
        } finally {
            deleteStaged(staged);
        }
    }

    private static java.nio.file.Path stagingFile(DumpManifest manifest) {
        try {
            return java.nio.file.Files.createTempFile("lifeboat-schema-", ".pgdump");
        } catch (IOException e) {
            throw new RestoreFailedException(
                    "cannot stage the schema of backup " + manifest.backupId() + ": " + e.getMessage(),
                    "free space in the temporary directory (java.io.tmpdir), then retry");
        }
    }

    private static void deleteStaged(java.nio.file.Path staged) {
        try {
            java.nio.file.Files.deleteIfExists(staged);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", staged, e.getMessage());
        }
    }

    /** {@code --single-transaction} where the target's tools cannot: refused before anything is read or created. */
    private void checkOneTransaction(LoadTool tool, DatabaseTarget target) {
        if (!oneTransaction) {
            return;
        }
        if (target.engine().isMysqlFamily()) {
            throw new InvalidInputException(
                    Param.SINGLE_TRANSACTION + " is for PostgreSQL: MariaDB and MySQL commit as they load",
                    "leave it out; a MariaDB/MySQL restore reads the whole dump through SHA-256 before it loads any");
        }
        if (!tool.loadsInOneSession()) {
            throw new InvalidInputException(
                    Param.SINGLE_TRANSACTION + " needs psql beside " + tool.name(),
                    "install the PostgreSQL client tools (psql comes with pg_restore), or leave the option out");
        }
    }

    /**
     * A parallel dump's restore in one transaction (issue 13, {@code --single-transaction}): one session
     * ({@link LoadTool#startSession}) is fed the SQL of the schema's pre-data section, then of each data part in turn
     * (streamed through SHA-256, the last chunk held back until it matches, as a single stream's), then of the
     * post-data section; it commits only when its input ends. A corrupt part, a failed statement or a kill leaves the
     * target as it was, even a database that existed, so no part is read twice beforehand.
     */
    @SuppressWarnings("try") // the registration is held for the block, never read
    private long loadInOneSession(DumpManifest manifest, LoadTool tool, Command command, Deadline deadline) {
        DumpTools.LoadOptions options = new DumpTools.LoadOptions(command.keepOwnership());
        java.nio.file.Path staged = stagingFile(manifest);
        DumpTools.Running session = tool.startSession(command.target());
        try (Deadline.Registration stop = deadline.onExpiry(session::kill)) {
            stage(manifest, whole(manifest), staged);
            OutputStream sql = session.input();
            LoadTool scripting = Scripting.into(tool, sql);
            runFromFile(scripting, command.target(), options.section(DumpTools.Section.PRE_DATA, staged), deadline);
            long bytes = manifest.sizeBytes();
            for (DumpManifest.Part p : manifest.parts()) {
                long before = bytes;
                Command part = new Command(
                        command.databaseId(),
                        command.backup(),
                        command.target(),
                        command.createDatabase(),
                        command.allowNonEmptyTarget(),
                        command.keepOwnership(),
                        b -> command.progress().onProgress(before + b));
                bytes += streamIntoLoader(
                        manifest,
                        new Stored(p.objectKey(), p.objectVersionId(), p.sizeBytes(), p.sha256()),
                        scripting,
                        part,
                        options.section(DumpTools.Section.DATA, null),
                        deadline);
            }
            runFromFile(scripting, command.target(), options.section(DumpTools.Section.POST_DATA, staged), deadline);
            sql.close();
            session.awaitSuccess(deadline.waitLimit());
            command.progress().onProgress(bytes);
            return bytes;
        } catch (IOException e) {
            throw sessionFailed(
                    session,
                    new RestoreFailedException(
                            "feeding the restore's session failed: " + e.getMessage(), "its message says why", e));
        } catch (RuntimeException e) {
            throw sessionFailed(session, e);
        } finally {
            session.close();
            deleteStaged(staged);
        }
    }

    /** How long a failed one-transaction restore waits for its session to say why it stopped. */
    private static final Duration SESSION_GRACE = Duration.ofSeconds(5);

    /**
     * Ends a one-transaction restore that failed, its input never ended, so nothing commits: the session's own error
     * when it stopped first (a failed statement; the script writing to it then fails with a broken pipe), otherwise
     * {@code failure}, the session killed. A corrupt part kills it at once.
     */
    private static RuntimeException sessionFailed(DumpTools.Running session, RuntimeException failure) {
        if (failure instanceof ChecksumMismatchException) {
            session.kill();
            return failure;
        }
        long waited = System.nanoTime();
        try {
            // Still running past the grace: awaitSuccess kills it, and the failure stands.
            session.awaitSuccess(SESSION_GRACE);
        } catch (RuntimeException own) {
            if (System.nanoTime() - waited < SESSION_GRACE.toNanos()) {
                own.addSuppressed(failure);
                return own;
            }
        }
        session.kill();
        return failure;
    }

    /** Copies one object to a local file through SHA-256; a mismatch is corruption, and nothing was loaded. */
    private void stage(DumpManifest manifest, Stored object, java.nio.file.Path to) {
        try (InputStream stored = vault.open(object.key(), object.versionId())) {
            HashingInputStream hashed = new HashingInputStream(stored);
            try (OutputStream out = java.nio.file.Files.newOutputStream(to)) {
                byte[] buf = new byte[CHUNK];
                for (int n; (n = hashed.read(buf, 0, buf.length)) >= 0; ) {
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        throw stagingFailed(manifest, to, e);
                    }
                }
            }
            verify(manifest, object, hashed, null);
        } catch (IOException e) {
            throw new VaultException(
                    "reading backup " + manifest.backupId() + " from " + vault.describe() + " failed: "
                            + e.getMessage(),
                    "nothing was loaded; check the vault, then retry",
                    e);
        }
    }

    /** The staged copy could not be written: the temporary directory's fault, not the vault's. */
    private static RestoreFailedException stagingFailed(DumpManifest manifest, java.nio.file.Path to, IOException e) {
        return new RestoreFailedException(
                "staging the schema of backup " + manifest.backupId() + " in " + to.getParent() + " failed: "
                        + e.getMessage(),
                "nothing was loaded; free space in the temporary directory (java.io.tmpdir), or point TMPDIR"
                        + " (-Djava.io.tmpdir) at a folder with room, then retry",
                e);
    }

    @SuppressWarnings("try") // the registration is held for the block, never read
    private static void runFromFile(
            LoadTool tool, DatabaseTarget target, DumpTools.LoadOptions options, Deadline deadline) {
        try (DumpTools.Running loader = tool.start(target, options);
                Deadline.Registration stop = deadline.onExpiry(loader::kill)) {
            loader.awaitSuccess(deadline.waitLimit());
        }
    }

    /** A failed parallel restore into a database that existed before: never dropped; it may hold some parts. */
    private static RuntimeException leftInPlaceAfterParts(DatabaseTarget target, RuntimeException failure) {
        return annotate(
                failure,
                "the database '" + target.database() + "' existed before this restore and was not dropped; a parallel"
                        + " backup loads part by part, so it may now hold some of the backup's tables: restore into a"
                        + " new database with " + Param.CREATE + " for all or nothing");
    }

    @SuppressWarnings("try") // the registration is held for the block, never read
    private long streamIntoLoader(
            DumpManifest manifest,
            Stored object,
            LoadTool tool,
            Command command,
            DumpTools.LoadOptions options,
            Deadline deadline) {
        boolean verified = false;
        try (DumpTools.Running loader = tool.start(command.target(), options);
                Deadline.Registration stop = deadline.onExpiry(loader::kill);
                InputStream stored = vault.open(object.key(), object.versionId())) {
            HashingInputStream hashed = new HashingInputStream(stored);
            InputStream data = manifest.gzipped()
                    ? new GZIPInputStream(hashed, CHUNK)
                    : manifest.zstd() ? tools.zstdDecompressing(hashed) : hashed;
            OutputStream sink = loader.input();
            byte[] held = new byte[CHUNK];
            byte[] next = new byte[CHUNK];
            int heldLen = 0;
            try {
                int n;
                while ((n = data.readNBytes(next, 0, CHUNK)) > 0) {
                    if (heldLen > 0) {
                        feed(sink, held, heldLen);
                    }
                    byte[] t = held;
                    held = next;
                    next = t;
                    heldLen = n;
                    command.progress().onProgress(hashed.sha().bytes());
                }
                hashed.drain();
            } catch (IOException e) {
                // A damaged gzip stream, a truncated object, or a loader that stopped taking input because
                // the data made no sense: read the rest while the object is still open, so that a corrupt
                // backup is reported as corruption (exit 4) wherever the damage sits. A transfer that broke off
                // is not damage: the vault could not deliver the rest, so there is nothing more to read. A loader
                // that stopped taking input is not killed first: when the backup checks out, its own error
                // (the server's "Table 'log' already exists") is what went wrong, not the broken pipe.
                if (deadline.expired()) {
                    // the watchdog stopped the loader: nothing more to learn from reading the rest
                    loader.kill();
                    throw timedOut(deadline, null);
                }
                boolean loaderStopped = e instanceof LoaderStopped;
                if (!loaderStopped || interrupted(e) != null) {
                    loader.kill();
                }
                if (interrupted(e) != null) {
                    throw e;
                }
                try {
                    hashed.drain();
                } catch (IOException readFailed) {
                    loader.kill();
                    e.addSuppressed(readFailed);
                    throw e;
                }
                verify(manifest, object, hashed, loader);
                if (loaderStopped) {
                    throw stoppedTakingInput(tool, loader, e);
                }
                throw e;
            }
            verify(manifest, object, hashed, loader);
            try {
                if (heldLen > 0) {
                    feed(sink, held, heldLen);
                }
                try {
                    sink.close();
                } catch (IOException e) {
                    throw new LoaderStopped(e);
                }
            } catch (LoaderStopped e) {
                throw stoppedTakingInput(tool, loader, e);
            }
            verified = true;
            loader.awaitSuccess(deadline.waitLimit());
            command.progress().onProgress(hashed.sha().bytes());
            return hashed.sha().bytes();
        } catch (IOException e) {
            Vault.TransferInterrupted cut = interrupted(e);
            if (!verified && cut != null) {
                throw new VaultException(
                        "backup " + manifest.backupId() + " of " + manifest.databaseId() + " could not be read whole: "
                                + cut.getMessage(),
                        "the backup was not found damaged; run the same restore again (a network path to the vault"
                                + " that keeps failing needs looking at first)",
                        e);
            }
            if (!verified) {
                throw new VaultException(
                        "reading backup " + manifest.backupId() + " (" + object.key() + ") from " + vault.describe()
                                + " or feeding " + tool.name() + " failed: " + e.getMessage(),
                        "check the vault and the target's space and permissions, then retry",
                        e);
            }
            throw new RestoreFailedException(
                    tool.name() + " failed: " + e.getMessage(), "the load tool's message says what failed", e);
        }
    }

    /** Writing to the load tool failed: it stopped reading its input (it exited, or closed it). */
    private static final class LoaderStopped extends IOException {
        private static final long serialVersionUID = 1L;

        LoaderStopped(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static void feed(OutputStream sink, byte[] bytes, int length) throws LoaderStopped {
        try {
            sink.write(bytes, 0, length);
        } catch (IOException e) {
            throw new LoaderStopped(e);
        }
    }

    /** How long a load tool that stopped taking input has to exit and say why. */
    private static final Duration LOADER_GRACE = Duration.ofSeconds(10);

    /**
     * The load tool stopped taking input while the backup checked out: its own failure (exit code, its error lines,
     * a signal that killed it) is the error, not Lifeboat's "Broken pipe" with a hint about the vault (issue 38,
     * item 5).
     */
    private static RuntimeException stoppedTakingInput(LoadTool tool, DumpTools.Running loader, IOException pipe) {
        try {
            loader.awaitSuccess(LOADER_GRACE);
        } catch (RuntimeException own) {
            own.addSuppressed(pipe);
            return own;
        }
        return new RestoreFailedException(
                tool.name() + " stopped reading the backup before its end (" + pipe.getMessage() + ") and exited 0",
                "the load tool's output above says why; the target may hold part of the backup",
                pipe);
    }

    /** The vault's own "the transfer broke off" among {@code e}'s causes and suppressed exceptions, or null. */
    static Vault.TransferInterrupted interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Vault.TransferInterrupted cut) {
                return cut;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof Vault.TransferInterrupted cut) {
                    return cut;
                }
            }
        }
        return null;
    }

    private void verify(DumpManifest manifest, Stored object, HashingInputStream hashed, DumpTools.Running loader) {
        long size = hashed.sha().bytes();
        String sha = hashed.sha().hex();
        if (size != object.size() || !sha.equals(object.sha256())) {
            if (loader != null) {
                loader.kill();
            }
            throw new ChecksumMismatchException(
                    "backup " + manifest.backupId() + " of " + manifest.databaseId() + " is corrupt: read " + size
                            + " bytes with sha256 " + sha + " from " + object.key() + ", the manifest says "
                            + object.size() + " bytes with sha256 " + object.sha256(),
                    "the load was stopped before the damaged part; restore another backup (lifeboat list shows them)");
        }
    }
}
