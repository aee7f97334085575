package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Deadline;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.DumpTools.LoadTool;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump.Command;
import dev.lifeboat.core.stream.HashingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a checked dump from the vault into its load tool (issue 35: the loading part of {@link RestoringDump}): one
 * stream, a parallel dump's parts at once, or every part through one session in one transaction. Every object is
 * read through SHA-256 and checked against its manifest; the last chunk is held back until it matches, so a corrupt
 * backup never completes a load. What the target database is left holding on a failure is {@link DumpTarget}'s
 * concern.
 */
final class DumpLoad {
    private static final Logger LOG = LoggerFactory.getLogger(DumpLoad.class);
    private static final int CHUNK = 256 * 1024;

    private final Vault vault;
    private final DumpTools tools;
    private final int jobs;
    private final boolean oneTransaction;
    private final String outOfTime;

    DumpLoad(Vault vault, DumpTools tools, int jobs, boolean oneTransaction, String outOfTime) {
        this.vault = vault;
        this.tools = tools;
        this.jobs = jobs;
        this.oneTransaction = oneTransaction;
        this.outOfTime = outOfTime;
    }

    /**
     * Loads the checked backup into the target ({@code created}: a database this restore created, empty, so a
     * parallel backup's parts need no reading beforehand); the bytes read. A failure past the deadline is the
     * restore's time-out, whatever the stopped tool said.
     */
    long load(DumpChecks.Checked backup, Command command, boolean created, Deadline deadline) {
        DumpManifest manifest = backup.manifest();
        LoadTool tool = backup.tool();
        DumpTools.LoadOptions options = new DumpTools.LoadOptions(command.keepOwnership());
        try {
            if (manifest.parallel() && oneTransaction) {
                return loadInOneSession(manifest, tool, command, options, deadline);
            }
            if (manifest.parallel()) {
                return loadParallel(manifest, tool, command, options, created, deadline);
            }
            return streamIntoLoader(manifest, StoredObject.whole(manifest), tool, command, options, deadline);
        } catch (RuntimeException failure) {
            throw outOfTime(failure, deadline);
        }
    }

    /**
     * {@code failure} once the deadline has passed is the restore's time-out, whatever the stopped tool (or the
     * completion note after it) said; before it, itself.
     */
    RuntimeException outOfTime(RuntimeException failure, Deadline deadline) {
        return deadline.expired() && !(failure instanceof TimedOut) ? timedOut(deadline, failure) : failure;
    }

    /** True when {@code manifest}'s parts load one by one, each committed on its own (a parallel dump, not in one transaction). */
    boolean partByPart(DumpManifest manifest) {
        return manifest.parallel() && !oneTransaction;
    }

    /**
     * {@code command} whose progress, told as bytes move, ends the restore once the deadline has passed: the data loops
     * stop there, and the watchdog stops the tool of the moment.
     */
    Command guarded(Command command, Deadline deadline) {
        return command.withProgress(guarded(command.progress(), deadline));
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

    /**
     * A parallel dump's restore (issue 13): its schema part staged to a local file and checked in full; the
     * pre-data section from it (tables, types, functions); the data parts at once, at most {@code jobs}, each
     * streamed, checked and loaded in its own transaction; then indexes, constraints and triggers with
     * pg_restore's {@code --jobs}. There is no transaction around the whole: a failure into a database this restore
     * created removes it; into one that existed, the message says what it may now hold.
     */
    private long loadParallel(
            DumpManifest manifest,
            LoadTool tool,
            Command command,
            DumpTools.LoadOptions options,
            boolean created,
            Deadline deadline) {
        java.nio.file.Path staged = stagingFile(manifest);
        try {
            stage(manifest, StoredObject.whole(manifest), staged);
            if (!created) {
                // Into a database that existed, the parts load in transactions of their own: every part is read
                // through SHA-256 first, so that a corrupt backup changes nothing there (one more read of the data,
                // as for MariaDB).
                for (DumpManifest.Part p : manifest.parts()) {
                    DumpChecks.readWhole(
                            vault, manifest, StoredObject.part(p), guarded(ProgressListener.NONE, deadline));
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
                    Command part = command.withProgress(partProgress);
                    loads.add(loaders.submit(() -> streamIntoLoader(
                            manifest,
                            StoredObject.part(p),
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

    /**
     * A parallel dump's restore in one transaction (issue 13, {@code --single-transaction}): one session
     * ({@link LoadTool#startSession}) is fed the SQL of the schema's pre-data section, then of each data part in turn
     * (streamed through SHA-256, the last chunk held back until it matches, as a single stream's), then of the
     * post-data section; it commits only when its input ends. A corrupt part, a failed statement or a kill leaves the
     * target as it was, even a database that existed, so no part is read twice beforehand.
     */
    @SuppressWarnings("try") // the registration is held for the block, never read
    private long loadInOneSession(
            DumpManifest manifest, LoadTool tool, Command command, DumpTools.LoadOptions options, Deadline deadline) {
        java.nio.file.Path staged = stagingFile(manifest);
        DumpTools.Running session = tool.startSession(command.target());
        try (Deadline.Registration stop = deadline.onExpiry(session::kill)) {
            stage(manifest, StoredObject.whole(manifest), staged);
            OutputStream sql = session.input();
            LoadTool scripting = Scripting.into(tool, sql);
            runFromFile(scripting, command.target(), options.section(DumpTools.Section.PRE_DATA, staged), deadline);
            long bytes = manifest.sizeBytes();
            for (DumpManifest.Part p : manifest.parts()) {
                long before = bytes;
                Command part = command.withProgress(b -> command.progress().onProgress(before + b));
                bytes += streamIntoLoader(
                        manifest,
                        StoredObject.part(p),
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
    private void stage(DumpManifest manifest, StoredObject object, java.nio.file.Path to) {
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
            object.check(manifest, hashed, null);
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

    @SuppressWarnings("try") // the registration is held for the block, never read
    private long streamIntoLoader(
            DumpManifest manifest,
            StoredObject object,
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
                object.check(manifest, hashed, loader);
                if (loaderStopped) {
                    throw stoppedTakingInput(tool, loader, e);
                }
                throw e;
            }
            object.check(manifest, hashed, loader);
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
}
