package dev.lifeboat.core.testing;

import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DumpTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Dump and load tools in memory: the dump "prints" {@link #output}, the load collects what it is fed
 * into {@link #loaded}. Each can be told to fail the way the real programs do.
 */
public final class FakeDumpTools implements DumpTools {
    public byte[] output = "-- dump --".getBytes(StandardCharsets.UTF_8);
    public String version = "pg_dump (PostgreSQL) 17.2";
    public String dumpFailure;
    public String loadFailure;
    public int dumpsStarted;
    public int loadsStarted;
    public boolean loadKilled;
    public final ByteArrayOutputStream loaded = new ByteArrayOutputStream();
    public final List<DatabaseTarget> loadTargets = new ArrayList<>();
    /** The options of every load and script started, in order. */
    public final List<LoadOptions> loadOptions = new java.util.concurrent.CopyOnWriteArrayList<>();

    public boolean dumpKilled;
    /** Dumps started marking their binlog position, and the position their output names (null: none). */
    public int binlogMarked;

    public BinlogMark mark = new BinlogMark("binlog.000042", 1234, java.time.Instant.parse("2026-12-05T02:00:01Z"));

    @Override
    public DumpTool dumpTool(DatabaseEngine engine) {
        return new DumpTool() {
            @Override
            public String name() {
                return engine == DatabaseEngine.POSTGRESQL ? "pg_dump" : "mariadb-dump";
            }

            @Override
            public SoftwareVersion version() {
                return SoftwareVersion.parse(version);
            }

            @Override
            public String format() {
                return name() + "-fake";
            }

            @Override
            public String extension() {
                return engine == DatabaseEngine.POSTGRESQL ? "pgdump" : "sql.gz";
            }

            @Override
            public boolean gzipOutput() {
                return engine != DatabaseEngine.POSTGRESQL;
            }

            @Override
            public Running start(DatabaseTarget source) {
                dumpsStarted++;
                return running(new ByteArrayInputStream(output), OutputStream.nullOutputStream(), true);
            }

            @Override
            public Running start(DatabaseTarget source, Compression compression) {
                compressions.add(compression);
                return start(source);
            }

            @Override
            public Running startMarkingBinlog(DatabaseTarget source, Compression compression) {
                binlogMarked++;
                Running plain = start(source, compression);
                return new Running() {
                    @Override
                    public InputStream output() {
                        return plain.output();
                    }

                    @Override
                    public OutputStream input() {
                        return plain.input();
                    }

                    @Override
                    public void awaitSuccess(Duration timeout) {
                        plain.awaitSuccess(timeout);
                    }

                    @Override
                    public void kill() {
                        plain.kill();
                    }

                    @Override
                    public void close() {
                        plain.close();
                    }

                    @Override
                    public java.util.Optional<BinlogMark> binlogMark() {
                        return java.util.Optional.ofNullable(mark);
                    }
                };
            }

            @Override
            public boolean slices() {
                return sliceable && engine == DatabaseEngine.POSTGRESQL;
            }

            @Override
            public Running start(DatabaseTarget source, Compression compression, Slice slice) {
                synchronized (FakeDumpTools.this) {
                    dumpsStarted++;
                    slicesStarted.add(slice);
                }
                byte[] bytes = sliceOutput(slice).getBytes(StandardCharsets.UTF_8);
                boolean fails = failSlice != null && failSlice.test(slice);
                boolean errs = errorSlice != null && errorSlice.test(slice);
                return new Running() {
                    @Override
                    public InputStream output() {
                        if (errs) {
                            return new InputStream() {
                                @Override
                                public int read() {
                                    throw new OutOfMemoryError("injected: Java heap space");
                                }

                                @Override
                                public int read(byte[] b, int off, int len) {
                                    throw new OutOfMemoryError("injected: Java heap space");
                                }
                            };
                        }
                        return new ByteArrayInputStream(bytes);
                    }

                    @Override
                    public OutputStream input() {
                        return OutputStream.nullOutputStream();
                    }

                    @Override
                    public void awaitSuccess(Duration timeout) {
                        if (fails) {
                            throw new DumpFailedException(
                                    "pg_dump: error: injected failure of " + sliceOutput(slice), "");
                        }
                    }

                    @Override
                    public void kill() {
                        synchronized (FakeDumpTools.this) {
                            slicesKilled.add(slice);
                        }
                    }

                    @Override
                    public void close() {}
                };
            }
        };
    }

    /** Whether the PostgreSQL dump tool can dump slices (a parallel dump). */
    public boolean sliceable = true;
    /** A slice whose dump fails, when set. */
    public java.util.function.Predicate<Slice> failSlice;
    /** A slice whose output throws an Error (out of memory) when read, when set. */
    public java.util.function.Predicate<Slice> errorSlice;

    public final List<Slice> slicesStarted = new ArrayList<>();
    public final List<Slice> slicesKilled = new ArrayList<>();

    /** What the fake prints for a slice: its kind and tables, so a test can tell the parts apart. */
    public static String sliceOutput(Slice slice) {
        if (slice.schema()) {
            return "schema@" + slice.snapshot();
        }
        return (slice.only().isEmpty() ? "data-except" + names(slice.except()) : "data-only" + names(slice.only()))
                + "@" + slice.snapshot();
    }

    private static String names(List<dev.lifeboat.core.model.TableSize> tables) {
        return tables.stream().map(t -> t.schema() + "." + t.table()).toList().toString();
    }

    /** The compression each dump was started with. */
    public final List<Compression> compressions = new ArrayList<>();

    /** zstd in the fake: the bytes between markers naming the level, so a test sees what was compressed how. */
    @Override
    public boolean zstd() {
        return zstdAvailable;
    }

    public boolean zstdAvailable = true;

    @Override
    public OutputStream zstdCompressing(OutputStream out, int level) throws java.io.IOException {
        out.write(("<zstd:" + level + ">").getBytes(StandardCharsets.UTF_8));
        return new java.io.FilterOutputStream(out) {
            @Override
            public void close() throws java.io.IOException {
                out.write("</zstd>".getBytes(StandardCharsets.UTF_8));
                super.close();
            }
        };
    }

    @Override
    public InputStream zstdDecompressing(InputStream in) throws java.io.IOException {
        String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!all.startsWith("<zstd:") || !all.endsWith("</zstd>")) {
            throw new java.io.IOException("not zstd");
        }
        return new ByteArrayInputStream(all.substring(all.indexOf('>') + 1, all.length() - "</zstd>".length())
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public LoadTool loadTool(DatabaseEngine engine) {
        return new LoadTool() {
            @Override
            public String name() {
                return engine == DatabaseEngine.POSTGRESQL ? "pg_restore" : "mariadb";
            }

            @Override
            public SoftwareVersion version() {
                return SoftwareVersion.parse(version);
            }

            @Override
            public Running start(DatabaseTarget target, LoadOptions options) {
                if (loadStartError != null) {
                    throw loadStartError;
                }
                loadsStarted++;
                loadTargets.add(target);
                loadOptions.add(options);
                return running(InputStream.nullInputStream(), loaded, false);
            }

            @Override
            public boolean loadsInOneSession() {
                return engine == DatabaseEngine.POSTGRESQL;
            }

            /** Collects what it is fed into {@link #session}; commits it (to {@link #loaded}) only at a clean end. */
            @Override
            public Running startSession(DatabaseTarget target) {
                sessionsStarted++;
                loadTargets.add(target);
                return new Running() {
                    private boolean killed;

                    @Override
                    public InputStream output() {
                        return InputStream.nullInputStream();
                    }

                    @Override
                    public OutputStream input() {
                        return session;
                    }

                    @Override
                    public void awaitSuccess(Duration timeout) {
                        if (loadFailure != null) {
                            throw new RestoreFailedException(loadFailure, "");
                        }
                        if (!killed) {
                            loaded.writeBytes(session.toByteArray());
                        }
                    }

                    @Override
                    public void kill() {
                        killed = true;
                        sessionKilled = true;
                    }

                    @Override
                    public void close() {}
                };
            }

            /** "SQL" is the archive itself, between markers naming the section. */
            @Override
            public Running startScript(LoadOptions options) {
                scripts.add(options.section() + (options.archive() == null ? " <stdin>" : " <file>"));
                loadOptions.add(options);
                java.io.PipedInputStream out = new java.io.PipedInputStream(1 << 20);
                java.io.PipedOutputStream in;
                try {
                    in = new java.io.PipedOutputStream(out);
                    String begin = "[" + options.section() + "]";
                    if (options.archive() != null) {
                        byte[] file = java.nio.file.Files.readAllBytes(options.archive());
                        in.write(begin.getBytes(StandardCharsets.UTF_8));
                        in.write(file);
                        in.close();
                    } else {
                        in.write(begin.getBytes(StandardCharsets.UTF_8));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return running(out, in, false);
            }
        };
    }

    /** What the one-transaction session was fed; {@link #loaded} gets it only when the session ends cleanly. */
    public final ByteArrayOutputStream session = new ByteArrayOutputStream();

    public int sessionsStarted;
    public boolean sessionKilled;
    /** Each script started: its section and where its archive came from. */
    public final List<String> scripts = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Thrown when a load tool starts: an Error (a library that cannot load, the heap exhausted). */
    public volatile Error loadStartError;

    /** How long each write into a load tool takes (a slow server). */
    public volatile Duration loadWritePause = Duration.ZERO;

    /** A load tool that, its input ended, never finishes: awaitSuccess waits out its timeout unless it is killed. */
    public volatile boolean loadHangs;

    private Running running(InputStream out, OutputStream in, boolean dump) {
        java.util.concurrent.CountDownLatch killedLatch = new java.util.concurrent.CountDownLatch(1);
        OutputStream slowed = dump
                ? in
                : new java.io.FilterOutputStream(in) {
                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        pause(loadWritePause);
                        if (killedLatch.getCount() == 0) {
                            throw new java.io.IOException("Broken pipe");
                        }
                        in.write(b, off, len);
                    }
                };
        return new Running() {
            @Override
            public InputStream output() {
                return out;
            }

            @Override
            public OutputStream input() {
                return slowed;
            }

            @Override
            public void awaitSuccess(Duration timeout) {
                if (!dump && loadHangs) {
                    try {
                        if (!killedLatch.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            kill();
                            throw new RestoreFailedException("pg_restore did not finish within " + timeout, "");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new RestoreFailedException("pg_restore was stopped by signal 9 (SIGKILL)", "");
                }
                if (killedLatch.getCount() == 0) {
                    // As the programs: a tool stopped before it finished never reports success (ChildProcess).
                    String tool = dump ? "pg_dump" : "pg_restore";
                    String what = tool + " was stopped before it finished";
                    if (dump) {
                        throw new DumpFailedException(what, "");
                    }
                    throw new RestoreFailedException(what, "");
                }
                if (dump && dumpFailure != null) {
                    throw new DumpFailedException(dumpFailure, "");
                }
                if (!dump && loadFailure != null) {
                    throw new RestoreFailedException(loadFailure, "");
                }
            }

            @Override
            public void kill() {
                if (dump) {
                    dumpKilled = true;
                } else {
                    loadKilled = true;
                }
                killedLatch.countDown();
            }

            @Override
            public void close() {}
        };
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
