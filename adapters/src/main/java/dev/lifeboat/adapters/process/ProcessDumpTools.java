package dev.lifeboat.adapters.process;

import dev.lifeboat.adapters.tls.TlsSettings;
import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.port.DumpTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * pg_dump / pg_restore and mariadb-dump / mariadb as child processes.
 *
 * <p>Where the programs are: {@code LIFEBOAT_PG_BIN} / {@code LIFEBOAT_MARIADB_BIN} (a folder) when
 * set; for PostgreSQL otherwise {@code /usr/lib/postgresql/N/bin} (Debian keeps one per major version there;
 * {@code LIFEBOAT_PG_ROOT} names another root), then PATH. Among Debian's majors, a dump of a known server takes the
 * nearest major at or above the server's, and a restore the nearest at or above the dump's; without a version,
 * the newest.
 */
public final class ProcessDumpTools implements DumpTools {
    private final Map<String, String> env;
    private final Map<Path, SoftwareVersion> versions = new ConcurrentHashMap<>();

    public ProcessDumpTools(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static ProcessDumpTools fromEnvironment() {
        return new ProcessDumpTools(System.getenv());
    }

    /** zstd through zstd-jni (its native library ships in the jar for Linux on x86_64 and arm64). */
    @Override
    public boolean zstd() {
        return true;
    }

    @Override
    public java.io.OutputStream zstdCompressing(java.io.OutputStream out, int level) throws IOException {
        try {
            return new com.github.luben.zstd.ZstdOutputStream(out, level);
        } catch (LinkageError e) {
            throw zstdUnavailable(e);
        }
    }

    @Override
    public InputStream zstdDecompressing(InputStream in) throws IOException {
        try {
            return new com.github.luben.zstd.ZstdInputStream(in);
        } catch (LinkageError e) {
            throw zstdUnavailable(e);
        }
    }

    /**
     * zstd-jni unpacks its native library into the temporary directory before its first use: on a full disk that
     * fails with an Error (ExceptionInInitializerError, then NoClassDefFoundError), which would bypass every cleanup
     * (the fault matrix's full-disk case left a created database behind, exit 70). An I/O failure instead, naming
     * the fix, so the operation cleans up as on any other.
     */
    static IOException zstdUnavailable(LinkageError e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String why = root.getMessage() != null ? root.getMessage() : e.toString();
        return new IOException(
                "zstd could not load its native library (" + why + "); it is unpacked into the temporary directory "
                        + System.getProperty("java.io.tmpdir") + ": free space there, or point TMPDIR"
                        + " (-Djava.io.tmpdir) at a folder with room",
                e);
    }

    @Override
    public DumpTool dumpTool(DatabaseEngine engine) {
        return engine == DatabaseEngine.POSTGRESQL
                ? new PgDump(find(engine, "pg_dump"))
                : new MariaDbDump(find(engine, "mariadb-dump", "mysqldump"));
    }

    @Override
    public LoadTool loadTool(DatabaseEngine engine) {
        if (engine == DatabaseEngine.POSTGRESQL) {
            Path pgRestore = find(engine, "pg_restore");
            // psql from pg_restore's own folder: the SQL it writes (\restrict in recent minors) is psql's of the
            // same release.
            Path psql = pgRestore.resolveSibling("psql");
            return new PgRestore(pgRestore, Files.isExecutable(psql) ? psql : null);
        }
        return new MariaDbLoad(find(engine, "mariadb", "mysql"));
    }

    @Override
    public DumpTool dumpTool(DatabaseEngine engine, SoftwareVersion server) {
        return engine == DatabaseEngine.POSTGRESQL
                ? new PgDump(findPostgres("pg_dump", server.major()))
                : dumpTool(engine);
    }

    @Override
    public LoadTool loadTool(DatabaseEngine engine, SoftwareVersion dumper) {
        if (engine != DatabaseEngine.POSTGRESQL) {
            return loadTool(engine);
        }
        Path pgRestore = findPostgres("pg_restore", dumper.major());
        Path psql = pgRestore.resolveSibling("psql");
        return new PgRestore(pgRestore, Files.isExecutable(psql) ? psql : null);
    }

    /**
     * {@code name} of the lowest PostgreSQL major at or above {@code atLeast} among Debian's per-major folders
     * ({@code LIFEBOAT_PG_ROOT}, by default {@code /usr/lib/postgresql}); where none is that new, or the folder is
     * pinned ({@code LIFEBOAT_PG_BIN}), the program {@link #find} gives (the version check then names the problem).
     */
    private Path findPostgres(String name, int atLeast) {
        String pinned = env.get("LIFEBOAT_PG_BIN");
        if (pinned == null || pinned.isBlank()) {
            Path nearest = null;
            for (Path bin : debianPostgresBins()) { // newest first: the last that qualifies is the nearest
                Path candidate = bin.resolve(name);
                if (Integer.parseInt(bin.getParent().getFileName().toString()) >= atLeast
                        && Files.isExecutable(candidate)) {
                    nearest = candidate;
                }
            }
            if (nearest != null) {
                return nearest;
            }
        }
        return find(DatabaseEngine.POSTGRESQL, name);
    }

    /** The MySQL family's binary log, read and replayed with MariaDB's client tools (issue 40). */
    public dev.lifeboat.core.port.BinlogSource binlogs() {
        return new ProcessBinlogs(
                find(DatabaseEngine.MARIADB, "mariadb-binlog", "mysqlbinlog"),
                find(DatabaseEngine.MARIADB, "mariadb", "mysql"));
    }

    /** A client program as found here: where, and the version it reports. */
    public record Found(Path path, SoftwareVersion version) {}

    /**
     * Where {@code name} (or one of {@code alternatives}) is, looked for as the dump and restore look for it, and its
     * version; empty when it is not there ({@code lifeboat doctor}).
     */
    public java.util.Optional<Found> probe(DatabaseEngine engine, String name, String... alternatives) {
        String[] names = new String[alternatives.length + 1];
        names[0] = name;
        System.arraycopy(alternatives, 0, names, 1, alternatives.length);
        Path program;
        try {
            program = find(engine, names);
        } catch (InvalidInputException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Found(program, versionOf(program)));
    }

    private Path find(DatabaseEngine engine, String... names) {
        String pinned = env.get(engine == DatabaseEngine.POSTGRESQL ? "LIFEBOAT_PG_BIN" : "LIFEBOAT_MARIADB_BIN");
        List<Path> folders = new ArrayList<>();
        if (pinned != null && !pinned.isBlank()) {
            folders.add(Path.of(pinned));
        } else {
            if (engine == DatabaseEngine.POSTGRESQL) {
                folders.addAll(debianPostgresBins());
            }
            for (String p :
                    env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":", -1)) {
                if (!p.isBlank()) {
                    folders.add(Path.of(p));
                }
            }
        }
        for (Path folder : folders) {
            for (String name : names) {
                Path candidate = folder.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new InvalidInputException(
                String.join(" or ", names) + " not found" + (pinned != null ? " in " + pinned : " on PATH"),
                engine == DatabaseEngine.POSTGRESQL
                        ? "install the PostgreSQL client tools (apt-get install postgresql-client) or set LIFEBOAT_PG_BIN to their folder"
                        : "install the MariaDB client tools (apt-get install mariadb-client) or set LIFEBOAT_MARIADB_BIN to their folder");
    }

    private List<Path> debianPostgresBins() {
        Path root = Path.of(env.getOrDefault("LIFEBOAT_PG_ROOT", "/usr/lib/postgresql"));
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{1,4}"))
                    .sorted(Comparator.comparingInt(
                                    (Path p) -> Integer.parseInt(p.getFileName().toString()))
                            .reversed())
                    .map(p -> p.resolve("bin"))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    SoftwareVersion versionOf(Path program) {
        return versions.computeIfAbsent(program, p -> {
            try {
                Process proc = new ProcessBuilder(p.toString(), "--version")
                        .redirectErrorStream(true)
                        .start();
                proc.getOutputStream().close();
                var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                });
                if (!proc.waitFor(10, TimeUnit.SECONDS)) {
                    proc.descendants().forEach(ProcessHandle::destroyForcibly);
                    proc.destroyForcibly();
                    throw new InvalidInputException(
                            p + " --version did not answer within 10 s", "check the installation of " + p);
                }
                String out;
                try {
                    out = reading.get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    out = "";
                }
                if (proc.exitValue() != 0) {
                    throw new InvalidInputException(
                            p + " --version failed: " + out.strip(), "check the installation of " + p);
                }
                String first = out.lines().findFirst().orElse("");
                return SoftwareVersion.tryParse(first)
                        .orElseThrow(() -> new InvalidInputException(
                                p + " --version printed no version Lifeboat can read",
                                "check the installation of " + p));
            } catch (IOException e) {
                throw new InvalidInputException(
                        "cannot run " + p + ": " + e.getMessage(), "check the installation of " + p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking " + p + " for its version", e);
            }
        });
    }

    /** A libpq connection string for --dbname: quoted so any database name is taken literally. */
    static String conninfo(DatabaseTarget t) {
        return "dbname='" + t.database().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static List<String> pgConnectionArgs(DatabaseTarget t) {
        return List.of(
                "--no-password",
                "--host=" + t.host(),
                "--port=" + t.port(),
                "--username=" + t.user(),
                "--dbname=" + conninfo(t));
    }

    private static Map<String, String> pgEnvironment(DatabaseTarget t) {
        Map<String, String> e = new HashMap<>(TlsSettings.libpqEnvironment(t));
        e.put("PGAPPNAME", "lifeboat");
        e.put("PGCONNECT_TIMEOUT", "30");
        if (!t.password().isEmpty()) {
            e.put("PGPASSWORD", t.password().reveal());
        }
        return e;
    }

    /**
     * Kills every dump and load tool this process runs, for a process told to stop (SIGINT, SIGTERM); the
     * operations using them then fail and clean up as on any failure. Returns how many were running.
     */
    public static int stopRunningTools() {
        return ChildProcess.stopAll();
    }

    /**
     * The password goes to the MariaDB tools through MYSQL_PWD, which they read, so it is in no file and on
     * no command line: nothing is left behind when Lifeboat is killed. {@code --no-defaults} (which must
     * come first) keeps option files (~/.my.cnf, /etc/mysql) from changing what the arguments say.
     */
    static Map<String, String> mariadbEnvironment(DatabaseTarget t) {
        return t.password().isEmpty()
                ? Map.of()
                : Map.of("MYSQL_PWD", t.password().reveal());
    }

    static List<String> mariadbConnectionArgs(DatabaseTarget t) {
        List<String> args = new ArrayList<>(List.of(
                "--no-defaults",
                "--protocol=TCP",
                "--host=" + t.host(),
                "--port=" + t.port(),
                "--user=" + t.user(),
                "--default-character-set=utf8mb4",
                "--max-allowed-packet=1G"));
        args.addAll(TlsSettings.mariadbClientArgs(t));
        return args;
    }

    private final class PgDump implements DumpTool {
        private final Path program;

        PgDump(Path program) {
            this.program = program;
        }

        @Override
        public String name() {
            return "pg_dump";
        }

        @Override
        public SoftwareVersion version() {
            return versionOf(program);
        }

        @Override
        public String format() {
            return "pg_dump-custom";
        }

        @Override
        public String extension() {
            return "pgdump";
        }

        @Override
        public boolean gzipOutput() {
            return false; // the custom format compresses each table itself
        }

        @Override
        public Running start(DatabaseTarget source) {
            return start(source, Compression.DEFAULT);
        }

        @Override
        public boolean slices() {
            return true;
        }

        /**
         * One part of a parallel dump (issue 13): {@code --snapshot} makes it read at the exported snapshot; the schema
         * part is the pre-data and post-data sections, a data part the data section of its tables ({@code --table})
         * or of all but the other parts' tables ({@code --exclude-table}). Names are quoted so that pg_dump matches
         * each exactly (inside double quotes a pattern's wildcards are plain characters).
         */
        @Override
        public Running start(DatabaseTarget source, Compression compression, Slice slice) {
            List<String> what = new ArrayList<>(List.of("--snapshot=" + slice.snapshot()));
            if (slice.schema()) {
                what.addAll(List.of("--section=pre-data", "--section=post-data"));
            } else {
                what.add("--section=data");
                slice.only().forEach(t -> what.add("--table=" + exactPattern(t)));
                slice.except().forEach(t -> what.add("--exclude-table=" + exactPattern(t)));
            }
            return run(source, compression, what);
        }

        @Override
        public Running start(DatabaseTarget source, Compression compression) {
            return run(source, compression, List.of());
        }

        @Override
        public Running startAt(DatabaseTarget source, Compression compression, String snapshot) {
            return run(source, compression, List.of("--snapshot=" + snapshot));
        }

        /** pg_dump in the custom format, compressed as asked, with {@code what} to dump, streaming to stdout. */
        private Running run(DatabaseTarget source, Compression compression, List<String> what) {
            List<String> cmd =
                    new ArrayList<>(List.of(program.toString(), "--format=custom", compressArg(program, compression)));
            cmd.addAll(what);
            cmd.addAll(pgConnectionArgs(source));
            return ChildProcess.start(
                    cmd,
                    pgEnvironment(source),
                    source.password(),
                    false,
                    (m, h) -> new DumpFailedException(m, hintForDump(h)));
        }
    }

    /** A pg_dump pattern that matches exactly this schema and table: each name double-quoted, quotes doubled. */
    static String exactPattern(dev.lifeboat.core.model.TableSize t) {
        return "\"" + t.schema().replace("\"", "\"\"") + "\".\"" + t.table().replace("\"", "\"\"") + "\"";
    }

    /**
     * pg_dump's {@code --compress}: an integer (a gzip level, 0 for none) for every client; {@code zstd:N} and
     * {@code lz4:N} from PostgreSQL 16 on, and only where the client was built with them: a probe that cannot connect
     * anywhere shows whether the build refuses the method, which pg_dump checks before it connects.
     */
    String compressArg(Path pgDump, Compression c) {
        return switch (c.codec()) {
            case NONE -> "--compress=0";
            case GZIP -> "--compress=" + c.level();
            case ZSTD, LZ4 -> {
                SoftwareVersion v = versionOf(pgDump);
                if (v.major() < 16) {
                    throw new InvalidInputException(
                            "pg_dump " + v.shortForm() + " cannot compress with "
                                    + c.codec().label() + " (PostgreSQL 16 or newer clients can, when built with it)",
                            "use gzip:1 (the default) or gzip:N, or a newer client (LIFEBOAT_PG_BIN)");
                }
                if (!supports(pgDump, c.codec())) {
                    throw new InvalidInputException(
                            "this pg_dump (" + pgDump + ") was built without "
                                    + c.codec().label(),
                            "use gzip:1 (the default) or gzip:N, or a client built with "
                                    + c.codec().label());
                }
                yield "--compress=" + c;
            }
        };
    }

    private final Map<String, Boolean> builtWith = new ConcurrentHashMap<>();

    /** Whether {@code pgDump} was built with {@code codec}; asked once per client and method. */
    boolean supports(Path pgDump, Compression.Codec codec) {
        return builtWith.computeIfAbsent(pgDump + " " + codec, k -> {
            try {
                Process proc = new ProcessBuilder(
                                pgDump.toString(),
                                "--compress=" + codec.label() + ":1",
                                "--format=custom",
                                "--file=/dev/null",
                                "--dbname=host=/nonexistent-lifeboat-probe port=1 connect_timeout=1")
                        .redirectErrorStream(true)
                        .start();
                String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                proc.waitFor(30, TimeUnit.SECONDS);
                return !out.contains("does not support compression");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /*
     * The load tools' failures say what the tool reported; what became of the target (removed, left as it was, or
     * holding part of the backup) is added by RestoringDump, which alone knows whether it created the database and
     * whether the load ran in one transaction (issue 38, item 6: the two used to say contradicting things).
     */
    private final class PgRestore implements LoadTool {
        private final Path program;
        private final Path psql;

        PgRestore(Path program, Path psql) {
            this.program = program;
            this.psql = psql;
        }

        @Override
        public boolean loadsInOneSession() {
            return psql != null;
        }

        /**
         * psql in one transaction, stopping at the first error, its query output discarded: the session is fed the SQL
         * pg_restore writes (issue 13, a parallel backup in one transaction).
         *
         * <p>The transaction travels through the pipe (issue 38, item 1): {@code BEGIN;} is written first, and
         * {@code COMMIT;} only when the caller closes the session's input, which it does after the last part checked
         * out. psql's own {@code --single-transaction} is not used: it commits at the end of its input, and the input
         * ends too when Lifeboat is killed (SIGKILL, the out-of-memory killer), which committed half a restore. Now an
         * input that ends without {@code COMMIT;} leaves the transaction open when psql exits, and the server rolls it
         * back.
         */
        @Override
        public Running startSession(DatabaseTarget target) {
            if (psql == null) {
                throw new InvalidInputException(
                        "psql not found beside " + program,
                        "install the PostgreSQL client tools (psql comes with pg_restore), or set LIFEBOAT_PG_BIN");
            }
            List<String> cmd = new ArrayList<>(
                    List.of(psql.toString(), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--output=/dev/null"));
            cmd.addAll(pgConnectionArgs(target));
            return CommittingSession.start(ChildProcess.start(
                    cmd, pgEnvironment(target), target.password(), true, RestoreFailedException::new));
        }

        /**
         * pg_restore writing SQL to its output ({@code --file=-}), connecting to nothing; its own transaction
         * ({@code --single-transaction}: one BEGIN first, one COMMIT last, none around large objects) taken out
         * ({@link OneTransactionScript}), so that it runs inside the session's.
         */
        @Override
        public Running startScript(LoadOptions options) {
            List<String> cmd =
                    new ArrayList<>(List.of(program.toString(), "--exit-on-error", "--single-transaction", "--file=-"));
            cmd.addAll(selection(options));
            if (options.archive() != null) {
                cmd.add(options.archive().toString());
            }
            Running script =
                    ChildProcess.start(cmd, Map.of(), null, options.archive() == null, RestoreFailedException::new);
            InputStream sql = new OneTransactionScript(script.output());
            return new Running() {
                @Override
                public InputStream output() {
                    return sql;
                }

                @Override
                public java.io.OutputStream input() {
                    return script.input();
                }

                @Override
                public void awaitSuccess(java.time.Duration timeout) {
                    script.awaitSuccess(timeout);
                }

                @Override
                public void kill() {
                    script.kill();
                }

                @Override
                public void close() {
                    script.close();
                }
            };
        }

        /** The section of the archive to restore, and whether owners and grants come with it. */
        private static List<String> selection(LoadOptions options) {
            List<String> args = new ArrayList<>();
            switch (options.section()) {
                case ALL -> {}
                case PRE_DATA -> args.add("--section=pre-data");
                case DATA -> args.add("--section=data");
                case POST_DATA -> args.add("--section=post-data");
            }
            if (!options.keepOwnership()) {
                // The source's roles rarely exist where one restores in an incident.
                args.addAll(List.of("--no-owner", "--no-privileges"));
            }
            return args;
        }

        @Override
        public String name() {
            return "pg_restore";
        }

        @Override
        public SoftwareVersion version() {
            return versionOf(program);
        }

        @Override
        public Running start(DatabaseTarget target, LoadOptions options) {
            // One transaction: a failed or corrupt restore leaves the target as it was. A parallel load (a parallel
            // dump's post-data section, issue 13) cannot have one: pg_restore refuses --jobs with it.
            List<String> cmd = new ArrayList<>(List.of(program.toString(), "--exit-on-error"));
            cmd.add(options.jobs() > 1 ? "--jobs=" + options.jobs() : "--single-transaction");
            cmd.addAll(selection(options));
            cmd.addAll(pgConnectionArgs(target));
            if (options.archive() != null) {
                cmd.add(options.archive().toString());
            }
            return ChildProcess.start(
                    cmd,
                    pgEnvironment(target),
                    target.password(),
                    options.archive() == null,
                    RestoreFailedException::new);
        }
    }

    private final class MariaDbDump implements DumpTool {
        private final Path program;

        MariaDbDump(Path program) {
            this.program = program;
        }

        @Override
        public String name() {
            return program.getFileName().toString();
        }

        @Override
        public SoftwareVersion version() {
            return versionOf(program);
        }

        @Override
        public String format() {
            return name() + "-sql";
        }

        @Override
        public String extension() {
            return "sql.gz";
        }

        @Override
        public boolean gzipOutput() {
            return true;
        }

        @Override
        public Running start(DatabaseTarget source) {
            return start(source, false);
        }

        /**
         * With {@code --master-data=2} under {@code --single-transaction}: MariaDB's client reads the binlog position
         * of its consistent snapshot ({@code binlog_snapshot_file}/{@code _position}) and prints it as a commented
         * {@code CHANGE MASTER TO} line near the top, without FLUSH TABLES WITH READ LOCK (measured with mariadb-dump
         * 10.11 against MariaDB 10.11: its general log shows no lock). The line is read as the output streams by.
         */
        @Override
        public Running startMarkingBinlog(DatabaseTarget source, dev.lifeboat.core.model.Compression compression) {
            return BinlogMarkReader.reading(start(source, true));
        }

        private Running start(DatabaseTarget source, boolean markBinlog) {
            List<String> cmd = new ArrayList<>(List.of(program.toString()));
            cmd.addAll(mariadbConnectionArgs(source));
            // --skip-add-drop-table: a restore must never drop a table of the target on its own.
            cmd.addAll(List.of(
                    "--single-transaction",
                    "--routines",
                    "--triggers",
                    "--events",
                    "--hex-blob",
                    "--skip-add-drop-table",
                    "--quick"));
            if (markBinlog) {
                cmd.add("--master-data=2");
            }
            cmd.add(source.database());
            return ChildProcess.start(
                    cmd,
                    mariadbEnvironment(source),
                    source.password(),
                    false,
                    (m, h) -> source.database().contains("'") && m.contains("1049")
                            ? apostropheRefused(source.database(), m)
                            : new DumpFailedException(m, hintForDump(h)));
        }
    }

    /**
     * Measured with mariadb-dump 10.11: a database whose name holds an apostrophe dumps, but only while it holds no
     * event; with one, the tool's {@code --events} pass quotes the name wrongly and fails with error 1049 "Unknown
     * database" (leaving the events out would make a backup that lies).
     */
    static DumpFailedException apostropheRefused(String database, String toolSaid) {
        return new DumpFailedException(
                "mariadb-dump cannot dump database \"" + database + "\": its name holds an apostrophe, which"
                        + " mariadb-dump mis-quotes when it dumps the database's events (" + toolSaid + ")",
                "nothing was recorded; drop or move the database's events (SHOW EVENTS), or rename it without an"
                        + " apostrophe, to take a logical backup of it (snapshot copies are not affected)");
    }

    private final class MariaDbLoad implements LoadTool {
        private final Path program;

        MariaDbLoad(Path program) {
            this.program = program;
        }

        @Override
        public String name() {
            return program.getFileName().toString();
        }

        @Override
        public SoftwareVersion version() {
            return versionOf(program);
        }

        @Override
        public Running start(DatabaseTarget target, LoadOptions loadOptions) {
            List<String> cmd = new ArrayList<>(List.of(program.toString()));
            cmd.addAll(mariadbConnectionArgs(target));
            cmd.addAll(List.of("--binary-mode", "--connect-timeout=30", "--database=" + target.database()));
            return ChildProcess.start(
                    cmd, mariadbEnvironment(target), target.password(), true, RestoreFailedException::new);
        }
    }

    private static String hintForDump(String hint) {
        return join(hint, "no backup was recorded");
    }

    private static String join(String a, String b) {
        return a == null || a.isEmpty() ? b : a + "; " + b;
    }
}
