package dev.lifeboat.core.dump;

import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.model.TableSize;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.DumpTools.DumpTool;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.HashingOutputStream;
import dev.lifeboat.protocol.Param;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a logical dump of a live database and streams it into the vault.
 *
 * <p>The dump tool's output goes straight to the vault's upload (no local staging) while its size
 * and SHA-256 are computed. Only after the tool exited cleanly and the upload completed is the
 * manifest written, so a backup that failed in any way has no manifest and does not exist.
 */
public final class TakingDump {
    private static final Logger LOG = LoggerFactory.getLogger(TakingDump.class);
    private static final int COPY_BUFFER = 256 * 1024;

    /** Tunables. {@code exactRowCountThreshold}: tables with more rows get an estimate instead of count(*). */
    public record Settings(long exactRowCountThreshold, Duration timeout, Compression compression, int jobs) {
        public static final Settings DEFAULTS = new Settings(100_000, Duration.ofHours(12));

        /** One stream ({@code jobs} 1). */
        public Settings(long exactRowCountThreshold, Duration timeout, Compression compression) {
            this(exactRowCountThreshold, timeout, compression, 1);
        }

        public Settings {
            if (jobs < 1) {
                throw new InvalidInputException(
                        "jobs " + jobs + " cannot dump anything", "give " + Param.JOBS + " 1 or more (1: one stream)");
            }
            if (exactRowCountThreshold < 0) {
                throw new IllegalArgumentException("exactRowCountThreshold must be >= 0");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            compression = compression == null ? Compression.DEFAULT : compression;
        }

        /** With the default compression ({@link Compression#DEFAULT}, gzip level 1). */
        public Settings(long exactRowCountThreshold, Duration timeout) {
            this(exactRowCountThreshold, timeout, Compression.DEFAULT);
        }

        public Settings withCompression(Compression c) {
            return new Settings(exactRowCountThreshold, timeout, c, jobs);
        }

        /**
         * With {@code n} data parts dumped at once, each read at one exported snapshot (PostgreSQL; issue 13). One
         * stream where the database has fewer than two tables or the dump tool cannot slice.
         */
        public Settings withJobs(int n) {
            return new Settings(exactRowCountThreshold, timeout, compression, n);
        }
    }

    /** What to dump. {@code runId}: the scheduled time of the run, or null for an on-demand backup. */
    public record Command(String databaseId, DatabaseTarget source, String runId, ProgressListener progress) {
        public Command {
            Objects.requireNonNull(source, "source");
            progress = progress == null ? ProgressListener.NONE : progress;
        }
    }

    /** The manifest of the backup, and whether an earlier invocation of the same run had made it. */
    public record Result(DumpManifest manifest, boolean alreadyExisted) {}

    private final Vault vault;
    private final DatabaseInspector inspector;
    private final DumpTools tools;
    private final Clock clock;
    private final Settings settings;

    public TakingDump(Vault vault, DatabaseInspector inspector, DumpTools tools, Clock clock, Settings settings) {
        this.vault = vault;
        this.inspector = inspector;
        this.tools = tools;
        this.clock = clock;
        this.settings = settings;
    }

    public Result dump(Command command) {
        String databaseId = VaultLayout.requireDatabaseId(command.databaseId());
        BackupId id = command.runId() == null ? BackupId.generate(clock) : BackupId.forRun(command.runId());
        String manifestKey = VaultLayout.manifestKey(databaseId, id);
        DatabaseTarget source = command.source();

        // Platform threads, not virtual ones: the virtual-thread I/O poller sits in native code, and
        // HotSpot then spends up to 0.3 s at exit waiting for it (measured, docs/performance.md).
        ExecutorService background = Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("dump-", 0).factory());
        try {
            // The pre-flight checks are independent round trips (vault, database, a process start);
            // they run together, so a dump starts sooner.
            Future<Optional<byte[]>> existing = background.submit(() -> vault.read(manifestKey));
            Future<?> writable = background.submit(vault::checkWritable);
            Future<ServerInfo> serverInfo = background.submit(() -> inspector.serverInfo(source));
            // A MySQL-family server with binary logging on: the dump records its binlog position, where a binlog
            // archive's replay starts (issue 40).
            Future<Boolean> binlogOn = source.engine() != dev.lifeboat.core.model.DatabaseEngine.MARIADB
                    ? java.util.concurrent.CompletableFuture.completedFuture(false)
                    : background.submit(() -> inspector.scalar(source, "SELECT @@log_bin") == 1.0);

            Optional<byte[]> found = await(existing);
            if (found.isPresent()) {
                LOG.info("backup {} of {} already exists; nothing to do", id, databaseId);
                return new Result(ManifestCodec.read(found.get(), manifestKey), true);
            }
            await(writable);
            ServerInfo server = await(serverInfo);
            DumpTool tool = tools.dumpTool(source.engine(), server.version());
            SoftwareVersion version = tool.version();
            ClientVersionPolicy.check(server, tool.name(), version);

            // Row counts are taken while the dump runs, on a connection of their own, and the manifest
            // codec warms up then too: the JVM mostly waits on the dump tool's pipe meanwhile.
            Future<List<TableRowCount>> tables =
                    background.submit(() -> inspector.rowCounts(source, settings.exactRowCountThreshold()));
            background.execute(ManifestCodec::warmUp);
            Compression compression = settings.compression();
            boolean zstd = tool.gzipOutput() && compression.codec() == Compression.Codec.ZSTD;
            if (tool.gzipOutput()
                    && compression.codec() != Compression.Codec.GZIP
                    && compression.codec() != Compression.Codec.NONE
                    && !(zstd && tools.zstd())) {
                throw new InvalidInputException(
                        "compression " + compression + " is not available for " + tool.name()
                                + " dumps (Lifeboat compresses them itself)",
                        "use gzip:1 (the default), gzip:N, zstd:N or none");
            }
            if (settings.jobs() > 1 && tool.slices()) {
                // The tables are listed inside the exported snapshot: exactly those every part will see.
                DatabaseInspector.SnapshotHold snapshot = inspector.exportSnapshot(source);
                try {
                    List<List<TableSize>> parts = ParallelPlan.parts(snapshot.tables(), settings.jobs());
                    if (parts.size() > 1) {
                        return parallel(command, id, manifestKey, tool, server, version, snapshot, parts, tables);
                    }
                } finally {
                    snapshot.close();
                }
            }
            String extension = tool.gzipOutput() && !compression.compresses()
                    ? tool.extension().replaceFirst("\\.gz$", "")
                    : zstd
                            ? tool.extension().replaceFirst("\\.gz$", "") + DumpManifest.ZSTD_EXTENSION
                            : tool.extension();
            String objectKey = VaultLayout.objectKey(databaseId, id, VaultLayout.newAttempt(), extension);
            LOG.info(
                    "dumping {} ({} {}) with {} {} to {}",
                    databaseId,
                    server.engine(),
                    server.version().shortForm(),
                    tool.name(),
                    version.shortForm(),
                    vault.describe() + "/" + objectKey);
            Instant started = clock.instant();
            command.progress().onStart(-1);
            // MariaDB only: its client reads the snapshot's binlog position without a lock; against MySQL it would
            // take FLUSH TABLES WITH READ LOCK on production, which a dump must never do (MySQL's archive is not
            // built yet, docs/backups.md).
            boolean markBinlog = server.engine() == dev.lifeboat.core.model.DatabaseEngine.MARIADB && await(binlogOn);
            java.util.concurrent.atomic.AtomicReference<DumpTools.Running> running =
                    new java.util.concurrent.atomic.AtomicReference<>();
            // PostgreSQL with logical decoding on: the dump reads at a snapshot whose place in the change stream is
            // recorded, so a change archive replays exactly what it does not hold (issue 41).
            java.util.Optional<DatabaseInspector.SnapshotHold> held =
                    server.engine() == dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL && tool.slices()
                            ? inspector.exportSnapshotForChanges(source)
                            : java.util.Optional.empty();
            Instant snapshotBy = clock.instant();
            Copied copied;
            try {
                copied = streamDumpToVault(
                        tool,
                        () -> {
                            DumpTools.Running r = markBinlog
                                    ? tool.startMarkingBinlog(source, settings.compression())
                                    : held.isPresent()
                                            ? tool.startAt(
                                                    source,
                                                    settings.compression(),
                                                    held.get().id())
                                            : tool.start(source, settings.compression());
                            running.set(r);
                            return r;
                        },
                        objectKey,
                        command.progress(),
                        () -> await(tables));
            } finally {
                held.ifPresent(DatabaseInspector.SnapshotHold::close);
            }
            Instant finished = clock.instant();

            DumpManifest manifest = DumpManifest.builder()
                    .manifestVersion(zstd ? DumpManifest.ZSTD_VERSION : DumpManifest.CURRENT_VERSION)
                    .backupId(id.value())
                    .databaseId(databaseId)
                    .engine(server.engine())
                    .serverVersion(server.version().reported())
                    .dumpTool(tool.name())
                    .dumpToolVersion(version.reported())
                    .format(tool.format())
                    .startedAt(started)
                    .finishedAt(finished)
                    .sizeBytes(copied.stored().size())
                    .sha256(copied.sha256())
                    .objectKey(copied.stored().key())
                    .objectVersionId(copied.stored().versionId())
                    .exactRowCountThreshold(settings.exactRowCountThreshold())
                    .tables(await(tables))
                    .compression(compression.toString())
                    .parts(java.util.List.of())
                    .writtenBy(dev.lifeboat.protocol.BuildInfo.current().version())
                    .build();
            if (markBinlog) {
                DumpTools.BinlogMark mark = running.get()
                        .binlogMark()
                        .orElseThrow(() -> new DumpFailedException(
                                tool.name() + " did not record the dump's binlog position",
                                "the dump was not recorded; check that the client is MariaDB's (--master-data=2 with"
                                        + " --single-transaction) and retry"));
                manifest = manifest.withBinlog(
                        new DumpManifest.Binlog(mark.file(), mark.position(), source.database(), mark.seenAt()));
            }
            if (held.isPresent() && held.get().changes() != null) {
                DatabaseInspector.SnapshotHold.ChangesMark mark = held.get().changes();
                manifest = manifest.withChanges(
                        new DumpManifest.Changes(mark.lsn(), mark.snapshot(), mark.fingerprint(), snapshotBy));
            }
            return record(manifestKey, manifest);
        } finally {
            background.shutdownNow();
        }
    }

    /** Writes the manifest, last; a concurrent attempt that wrote its own first keeps its backup. */
    private Result record(String manifestKey, DumpManifest manifest) {
        byte[] written = ManifestCodec.write(manifest);
        if (written.length > Vault.SMALL_OBJECT_LIMIT) {
            // Every reader skips a manifest over the bound (a planted one must not exhaust memory): written, this
            // backup would be listed by no one, restored by no one, and its freshness would fool no alarm. Said now.
            throw new DumpFailedException(
                    "the manifest of backup " + manifest.backupId() + " of " + manifest.databaseId() + " would be "
                            + (written.length >> 20) + " MiB ("
                            + manifest.tables().size() + " tables), more than the "
                            + (Vault.SMALL_OBJECT_LIMIT >> 20) + " MiB any reader reads; the backup was not recorded",
                    "protect this database with the RDS snapshot copies (no such bound), and report its table count"
                            + " to Lifeboat's maintainers; the dump's objects are vouched for by no manifest and are"
                            + " never offered");
        }
        if (!vault.putIfAbsent(manifestKey, written)) {
            // Another attempt at the same run wrote its manifest first: its backup stands, and its manifest
            // names its own objects, which this attempt never wrote. This attempt's objects are vouched for by
            // no manifest, so no listing or restore ever offers them.
            LOG.warn(
                    "backup {} of {} was completed by a concurrent invocation; keeping that one ({} is unused)",
                    manifest.backupId(),
                    manifest.databaseId(),
                    manifest.objectKey());
            return new Result(ManifestCodec.read(vault.read(manifestKey).orElseThrow(), manifestKey), true);
        }
        LOG.info(
                "backup {} of {} complete: {} bytes in {} object(s)",
                manifest.backupId(),
                manifest.databaseId(),
                manifest.totalBytes(),
                1 + manifest.parts().size());
        return new Result(manifest, false);
    }

    /**
     * A parallel dump (issue 13): one connection exports a snapshot and holds it; a schema part and one data part per
     * entry of {@code parts} run at once, each pg_dump reading at that snapshot and streaming into an object of its
     * own. No part completes its upload until every part's dump succeeded; a failure anywhere kills the others and
     * aborts every upload, and no manifest is written.
     */
    private Result parallel(
            Command command,
            BackupId id,
            String manifestKey,
            DumpTool tool,
            ServerInfo server,
            SoftwareVersion version,
            DatabaseInspector.SnapshotHold snapshot,
            List<List<TableSize>> parts,
            Future<List<TableRowCount>> tables) {
        String databaseId = command.databaseId();
        String attempt = VaultLayout.newAttempt();
        Instant started = clock.instant();
        command.progress().onStart(-1);
        List<String> names = new ArrayList<>();
        List<DumpTools.Slice> slices = new ArrayList<>();
        names.add("schema");
        slices.add(new DumpTools.Slice(snapshot.id(), true, List.of(), List.of()));
        names.add("data-1");
        slices.add(new DumpTools.Slice(snapshot.id(), false, List.of(), ParallelPlan.leftOutOfPartZero(parts)));
        for (int i = 1; i < parts.size(); i++) {
            names.add("data-" + (i + 1));
            slices.add(new DumpTools.Slice(snapshot.id(), false, parts.get(i), List.of()));
        }
        LOG.info(
                "dumping {} ({} {}) with {} {} in {} data parts at snapshot {} to {}",
                databaseId,
                server.engine(),
                server.version().shortForm(),
                tool.name(),
                version.shortForm(),
                parts.size(),
                snapshot.id(),
                vault.describe());
        AllParts gate = new AllParts(slices.size());
        long[] progressOf = new long[slices.size()];
        ExecutorService workers = Executors.newFixedThreadPool(
                slices.size(),
                Thread.ofPlatform().daemon().name("dump-part-", 0).factory());
        List<Future<Copied>> running = new ArrayList<>();
        try {
            for (int i = 0; i < slices.size(); i++) {
                int n = i;
                String key = VaultLayout.objectKey(databaseId, id, attempt, names.get(n) + "." + tool.extension());
                ProgressListener partProgress = bytes -> {
                    synchronized (progressOf) {
                        progressOf[n] = bytes;
                        command.progress()
                                .onProgress(java.util.Arrays.stream(progressOf).sum());
                    }
                };
                running.add(workers.submit(() -> {
                    try {
                        return streamDumpToVault(
                                tool,
                                () -> gate.started(tool.start(command.source(), settings.compression(), slices.get(n))),
                                key,
                                partProgress,
                                gate::arriveAndAwaitAll);
                    } catch (RuntimeException e) {
                        gate.fail(e);
                        throw e;
                    } catch (Error e) {
                        // Out of memory (or worse) in one part: the others must not wait for it forever (measured:
                        // a heap too small for the parts left the dump hanging at the barrier).
                        DumpFailedException failed = new DumpFailedException(
                                "part " + names.get(n) + " of the parallel dump failed: " + e,
                                "no backup was recorded; give the dump more memory (the"
                                        + " heap, or the function's memory) or fewer " + Param.JOBS + ", then retry");
                        gate.fail(failed);
                        throw failed;
                    }
                }));
            }
            List<Copied> copied = new ArrayList<>();
            RuntimeException first = null;
            for (Future<Copied> f : running) {
                try {
                    copied.add(await(f));
                } catch (RuntimeException e) {
                    first = first == null ? gate.firstFailure(e) : first;
                }
            }
            if (first != null) {
                throw first;
            }
            Instant finished = clock.instant();
            List<DumpManifest.Part> dataParts = new ArrayList<>();
            for (int i = 1; i < copied.size(); i++) {
                Copied c = copied.get(i);
                dataParts.add(new DumpManifest.Part(
                        names.get(i),
                        c.stored().key(),
                        c.stored().versionId(),
                        c.stored().size(),
                        c.sha256()));
            }
            Copied schema = copied.getFirst();
            DumpManifest manifest = DumpManifest.builder()
                    .manifestVersion(DumpManifest.PARALLEL_VERSION)
                    .backupId(id.value())
                    .databaseId(databaseId)
                    .engine(server.engine())
                    .serverVersion(server.version().reported())
                    .dumpTool(tool.name())
                    .dumpToolVersion(version.reported())
                    .format(tool.format() + "-parallel")
                    .startedAt(started)
                    .finishedAt(finished)
                    .sizeBytes(schema.stored().size())
                    .sha256(schema.sha256())
                    .objectKey(schema.stored().key())
                    .objectVersionId(schema.stored().versionId())
                    .exactRowCountThreshold(settings.exactRowCountThreshold())
                    .tables(await(tables))
                    .compression(settings.compression().toString())
                    .parts(dataParts)
                    .writtenBy(dev.lifeboat.protocol.BuildInfo.current().version())
                    .build();
            if (snapshot.changes() != null) {
                DatabaseInspector.SnapshotHold.ChangesMark mark = snapshot.changes();
                manifest = manifest.withChanges(
                        new DumpManifest.Changes(mark.lsn(), mark.snapshot(), mark.fingerprint(), started));
            }
            return record(manifestKey, manifest);
        } finally {
            gate.killAll();
            workers.shutdownNow();
        }
    }

    /**
     * The parts of one parallel dump: each registers its process, and none completes its upload until all have
     * dumped successfully. A failure anywhere kills every process and releases the waiting parts, which then abort.
     */
    private static final class AllParts {
        private final java.util.concurrent.CountDownLatch dumped;
        private final List<DumpTools.Running> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        AllParts(int parts) {
            this.dumped = new java.util.concurrent.CountDownLatch(parts);
        }

        DumpTools.Running started(DumpTools.Running process) {
            processes.add(process);
            if (failure.get() != null) {
                process.kill();
            }
            return process;
        }

        void arriveAndAwaitAll() {
            dumped.countDown();
            try {
                while (!dumped.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DumpFailedException("interrupted while the other parts finished", "retry");
            }
            if (failure.get() != null) {
                throw new DumpFailedException(
                        "another part of the parallel dump failed", "no backup was recorded; see that part's error");
            }
        }

        void fail(RuntimeException e) {
            if (failure.compareAndSet(null, e)) {
                killAll();
            }
        }

        /** The failure that stopped the dump: the first part's own, not a part that stopped because of it. */
        RuntimeException firstFailure(RuntimeException fallback) {
            RuntimeException f = failure.get();
            return f == null ? fallback : f;
        }

        void killAll() {
            processes.forEach(DumpTools.Running::kill);
        }
    }

    /** The value of a background step, with its own exception rethrown as it was. */
    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DumpFailedException("interrupted while preparing the dump", "retry");
        }
    }

    private record Copied(Vault.StoredObject stored, String sha256) {}

    /** Streams the dump into an upload; {@code beforeComplete} runs last, and a failure there aborts the upload. */
    private Copied streamDumpToVault(
            DumpTool tool,
            java.util.function.Supplier<DumpTools.Running> starter,
            String objectKey,
            ProgressListener progress,
            Runnable beforeComplete) {
        AtomicBoolean timedOut = new AtomicBoolean();
        try (Vault.Upload upload = vault.startUpload(objectKey);
                DumpTools.Running dump = starter.get()) {
            Thread watchdog = Thread.ofPlatform().daemon().name("dump-watchdog").start(() -> {
                try {
                    Thread.sleep(settings.timeout());
                    timedOut.set(true);
                    dump.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                HashingOutputStream hashed = new HashingOutputStream(upload.stream());
                copy(dump.output(), compressing(tool, hashed), hashed, progress);
                dump.awaitSuccess(settings.timeout());
                if (timedOut.get()) {
                    throw timeout(tool);
                }
                beforeComplete.run();
                Vault.StoredObject stored = upload.complete();
                return new Copied(stored, hashed.sha().hex());
            } catch (VaultIo e) {
                dump.kill();
                throw new VaultException(
                        "writing the dump to " + vault.describe() + " failed: "
                                + e.getCause().getMessage(),
                        "no backup was recorded; check the vault's permissions and space, then retry",
                        e.getCause());
            } catch (DumpFailedException e) {
                throw timedOut.get() ? timeout(tool) : e;
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                throw timeout(tool);
            }
            throw new DumpFailedException(
                    "reading from " + tool.name() + " failed: " + e.getMessage(),
                    "no backup was recorded; retry, and check the tool's output above",
                    e);
        } catch (LifeboatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VaultException(
                    "writing the dump to " + vault.describe() + " failed: " + e.getMessage(),
                    "no backup was recorded; check the vault, then retry",
                    e);
        }
    }

    private DumpFailedException timeout(DumpTool tool) {
        return new DumpFailedException(
                tool.name() + " did not finish within " + Durations.human(settings.timeout()) + " and was stopped",
                "no backup was recorded; raise the dump timeout or dump a smaller database");
    }

    /** Marks failures of the vault side of the copy, so they are told apart from the dump tool's. */
    private static final class VaultIo extends IOException {
        VaultIo(IOException cause) {
            super(cause);
        }
    }

    private static void copy(InputStream in, OutputStream out, HashingOutputStream counted, ProgressListener progress)
            throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                throw new VaultIo(e);
            }
            progress.onProgress(counted.sha().bytes());
        }
        try {
            out.close(); // finishes the gzip trailer where there is one; the upload itself stays open
        } catch (IOException e) {
            throw new VaultIo(e);
        }
        progress.onProgress(counted.sha().bytes());
    }

    /** What Lifeboat writes to the vault for a text dump: compressed as the settings say; the tool's own output as is. */
    private OutputStream compressing(DumpTool tool, OutputStream hashed) throws IOException {
        Compression c = settings.compression();
        if (!tool.gzipOutput() || !c.compresses()) {
            return hashed;
        }
        return c.codec() == Compression.Codec.ZSTD ? tools.zstdCompressing(hashed, c.level()) : gzip(hashed, c.level());
    }

    /** gzip at {@code level}: java.util.zip's stream with its deflater set (GZIPOutputStream defaults to level 6). */
    private static OutputStream gzip(OutputStream out, int level) throws IOException {
        return new GZIPOutputStream(out, COPY_BUFFER) {
            {
                def.setLevel(level);
            }
        };
    }
}
