package dev.lifeboat.adapters.process;

import dev.lifeboat.adapters.tls.TlsSettings;
import dev.lifeboat.core.binlog.BinlogEvent;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.BinlogSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The binary log through MariaDB's own client tools (issue 40; the choice is argued in docs/recovery-point.md):
 * {@code mariadb-binlog --read-from-remote-server --raw --stop-never} reads it over the replication protocol as a
 * replica would and writes the server's files byte for byte into a spool folder, which this class reads event by
 * event as they land; {@code mariadb} answers what the server says of its binlog; replay is {@code mariadb-binlog
 * --rewrite-db --database --stop-datetime} piped into {@code mariadb}.
 */
final class ProcessBinlogs implements BinlogSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessBinlogs.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MAX_EVENT = 1L << 30;
    private static final DateTimeFormatter STOP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Path binlogTool;
    private final Path client;

    ProcessBinlogs(Path binlogTool, Path client) {
        this.binlogTool = binlogTool;
        this.client = client;
    }

    @Override
    public Server server(DatabaseTarget source) {
        List<String> vars =
                query(source, "SELECT @@log_bin, @@server_id, @@version, @@binlog_format, @@binlog_row_image");
        String[] v = vars.isEmpty() ? new String[0] : vars.getFirst().split("\t", -1);
        if (v.length < 5) {
            throw new DatabaseAccessException(
                    "the server at " + source.describe() + " did not say what its binary log is",
                    "check that it is MariaDB or MySQL and that the user may connect");
        }
        long serverId = Long.parseLong(v[1].trim());
        if (!"1".equals(v[0].trim())) {
            return new Server(false, serverId, v[2], null, List.of(), v[3], v[4]);
        }
        List<String> status = query(source, "SHOW MASTER STATUS");
        String[] current = status.isEmpty() ? new String[0] : status.getFirst().split("\t", -1);
        if (current.length < 2 || !current[1].trim().matches("\\d{1,19}")) {
            throw new DatabaseAccessException(
                    "SHOW MASTER STATUS on " + source.describe() + " did not give the binlog's present position",
                    "the user needs the BINLOG MONITOR (MariaDB) or REPLICATION CLIENT (MySQL) privilege");
        }
        List<String> files = new ArrayList<>();
        for (String line : query(source, "SHOW BINARY LOGS")) {
            files.add(line.split("\t", -1)[0]);
        }
        return new Server(
                true,
                serverId,
                v[2],
                new BinlogPosition(current[0], Long.parseLong(current[1].trim())),
                files,
                v[3],
                v[4]);
    }

    private List<String> query(DatabaseTarget source, String sql) {
        List<String> cmd = new ArrayList<>(List.of(client.toString()));
        cmd.addAll(ProcessDumpTools.mariadbConnectionArgs(source));
        cmd.addAll(List.of("--batch", "--skip-column-names", "--connect-timeout=20", "--execute=" + sql));
        try (ChildProcess p = ChildProcess.start(
                cmd,
                ProcessDumpTools.mariadbEnvironment(source),
                source.password(),
                false,
                DatabaseAccessException::new)) {
            byte[] out = p.output().readNBytes(16 << 20);
            p.awaitSuccess(Duration.ofMinutes(2));
            List<String> lines = new ArrayList<>();
            for (String line : new String(out, StandardCharsets.UTF_8).lines().toList()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Tail tail(DatabaseTarget source, BinlogPosition from) {
        Path spool;
        long self = ProcessHandle.current().pid();
        try {
            removeStaleSpools();
            spool = Files.createTempDirectory("lifeboat-binlog-" + self + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a spool folder for the binlog: " + e.getMessage(), e);
        }
        // mariadb-binlog --stop-never runs until stopped: a Lifeboat killed with SIGKILL runs no cleanup, and left it
        // holding a replication connection and spooling the whole binlog for ever (found by a hostile review). A
        // watchdog shell stops it once Lifeboat is gone.
        List<String> cmd = new ArrayList<>(List.of(
                "/bin/sh",
                "-c",
                WATCHDOG,
                "lifeboat-binlog-watchdog",
                String.valueOf(self),
                binlogTool.toString(),
                "--no-defaults",
                "--protocol=TCP",
                "--host=" + source.host(),
                "--port=" + source.port(),
                "--user=" + source.user()));
        cmd.addAll(TlsSettings.mariadbClientArgs(source));
        cmd.addAll(List.of(
                "--read-from-remote-server",
                "--raw",
                "--stop-never",
                // A replica's id of its own: the server drops an older connection that registers with the same one.
                "--stop-never-slave-server-id=" + (1_000_000_000L + RANDOM.nextInt(1_000_000_000)),
                "--result-file=" + spool + "/",
                "--start-position=" + from.position(),
                from.file()));
        ChildProcess process = ChildProcess.start(
                binlogTool.getFileName().toString(),
                cmd,
                ProcessDumpTools.mariadbEnvironment(source),
                source.password(),
                false,
                DatabaseAccessException::new);
        return new SpoolTail(process, spool, from.file());
    }

    /**
     * Runs the program given after the parent's pid, and stops it (SIGTERM) once that parent is gone, checking every
     * second; SIGTERM to the watchdog stops it too. Exits with the program's status.
     */
    private static final String WATCHDOG = """
            parent=$1; shift
            "$@" &
            child=$!
            trap 'kill "$child" 2>/dev/null; wait "$child"; exit 143' TERM INT HUP
            while kill -0 "$child" 2>/dev/null; do
              if ! kill -0 "$parent" 2>/dev/null; then kill "$child" 2>/dev/null; wait "$child"; exit 137; fi
              sleep 1
            done
            wait "$child"
            """;

    private static final java.util.regex.Pattern SPOOL =
            java.util.regex.Pattern.compile("lifeboat-binlog-(\\d{1,10})-\\d+");

    /** Spool folders of Lifeboat processes that are gone (killed with SIGKILL): what they left is of no use. */
    private static void removeStaleSpools() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> folders = Files.list(tmp)) {
            for (Path folder : folders.toList()) {
                java.util.regex.Matcher m = SPOOL.matcher(folder.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    dev.lifeboat.core.stream.TempFolders.deleteAll(folder);
                }
            }
        }
    }

    /** Reads the files mariadb-binlog writes into the spool folder, an event at a time, as they grow. */
    static final class SpoolTail implements Tail {
        private final ChildProcess process;
        private final Path spool;
        private String file;
        private FileChannel channel;
        private long offset;

        SpoolTail(ChildProcess process, Path spool, String file) {
            this.process = process;
            this.spool = spool;
            this.file = file;
        }

        @Override
        public Optional<Raw> next(Duration wait) throws IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                Optional<Raw> raw = read();
                if (raw.isPresent()) {
                    return raw;
                }
                if (!process.alive()) {
                    raw = read();
                    if (raw.isPresent()) {
                        return raw;
                    }
                    try {
                        process.awaitSuccess(Duration.ofSeconds(10));
                    } catch (LifeboatException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    throw new IOException(binlogName() + " ended");
                }
                if (System.nanoTime() >= deadline) {
                    return Optional.empty();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading the binlog", e);
                }
            }
        }

        private String binlogName() {
            return "mariadb-binlog";
        }

        private Optional<Raw> read() throws IOException {
            if (channel == null) {
                Path path = spool.resolve(file);
                if (!Files.exists(path)) {
                    return Optional.empty();
                }
                channel = FileChannel.open(path, StandardOpenOption.READ);
                offset = 0;
            }
            long size = channel.size();
            if (offset == 0) {
                if (size < 4) {
                    return Optional.empty();
                }
                byte[] magic = readAt(0, 4);
                if (!Arrays.equals(magic, BinlogEvent.magic())) {
                    throw new IOException("the spooled " + file + " does not start with a binlog file's magic number");
                }
                offset = 4;
            }
            if (size - offset >= BinlogEvent.HEADER) {
                byte[] header = readAt(offset, BinlogEvent.HEADER);
                long length = BinlogEvent.lengthIn(header);
                if (length < BinlogEvent.HEADER || length > MAX_EVENT) {
                    throw new IOException("the spooled " + file + " holds an event header of length " + length);
                }
                if (size - offset >= length) {
                    byte[] event = readAt(offset, (int) length);
                    offset += length;
                    return Optional.of(new Raw(file, event));
                }
            }
            // Nothing whole is left of this file: once the reader has begun the next one, this one is done. Bytes
            // left over are an event the server never finished writing (it crashed mid-write): never committed.
            Optional<String> newer = newerFile();
            if (newer.isPresent()) {
                if (size > offset) {
                    LOG.warn(
                            "{} ends with {} bytes of an event the server never finished (it crashed); they are"
                                    + " not archived",
                            file,
                            size - offset);
                }
                channel.close();
                channel = null;
                Files.deleteIfExists(spool.resolve(file));
                file = newer.get();
                return read();
            }
            return Optional.empty();
        }

        private Optional<String> newerFile() throws IOException {
            BinlogPosition now = BinlogPosition.startOf(file);
            try (Stream<Path> files = Files.list(spool)) {
                return files.map(p -> p.getFileName().toString())
                        .filter(n -> n.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,120}\\.\\d{6,10}"))
                        .map(BinlogPosition::startOf)
                        .filter(p -> p.compareTo(now) > 0)
                        .min(Comparator.naturalOrder())
                        .map(BinlogPosition::file);
            }
        }

        private byte[] readAt(long at, int n) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(n);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, at + buffer.position()) < 0) {
                    throw new IOException("the spooled " + file + " ended inside an event");
                }
            }
            return buffer.array();
        }

        @Override
        public void close() {
            process.close();
            try {
                if (channel != null) {
                    channel.close();
                }
                try (Stream<Path> files = Files.list(spool)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(spool);
            } catch (IOException e) {
                // a spool folder left in the temp directory holds no secret; the next run makes its own
            }
        }
    }

    private static final java.util.regex.Pattern EVENT_HEADER = java.util.regex.Pattern.compile(
            "^#(\\d{2})(\\d{2})(\\d{2})\\s+(\\d{1,2}):(\\d{2}):(\\d{2}) server id \\d+\\s+end_log_pos (\\d+)\\s[^\\t]*\\t(.*)$");
    private static final java.util.regex.Pattern ROWS = java.util.regex.Pattern.compile(
            "^### (INSERT INTO|UPDATE|DELETE FROM) `((?:[^`]|``)+)`\\.`((?:[^`]|``)+)`$");
    private static final java.util.regex.Pattern USE =
            java.util.regex.Pattern.compile("^use `((?:[^`]|``)+)`/\\*!\\*/;$");

    /**
     * {@code mariadb-binlog --base64-output=decode-rows --verbose} read line by line: its event headers (time, end
     * position, GTID, Xid, Query), its {@code ### INSERT INTO `db`.`t`} lines (one per row), and the text of DDL
     * statements. The lines that carry values ({@code ###   @1=...}, {@code #Q>} annotations) are read past and kept
     * nowhere.
     */
    @Override
    public List<Transaction> transactions(List<Path> files, List<String> serverFiles, Instant from, Instant to) {
        List<Transaction> found = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            found.addAll(transactionsOf(files.get(i), serverFiles.get(i), from, to));
        }
        return found;
    }

    /** The transactions of one file (one tool per file, as {@link #replay} reads them). */
    private List<Transaction> transactionsOf(Path file, String serverFile, Instant from, Instant to) {
        List<String> cmd = new ArrayList<>(List.of(
                binlogTool.toString(),
                "--no-defaults",
                "--base64-output=decode-rows",
                "--verbose",
                "--start-datetime=" + STOP.format(from),
                "--stop-datetime=" + STOP.format(to),
                file.toString()));
        List<Transaction> found = new ArrayList<>();
        try (ChildProcess p =
                ChildProcess.start(cmd, Map.of("TZ", "UTC"), Secret.none(), false, RestoreFailedException::new)) {
            java.io.BufferedReader r =
                    new java.io.BufferedReader(new java.io.InputStreamReader(p.output(), StandardCharsets.UTF_8));
            String database = "";
            Instant at = null;
            long end = 0;
            String gtid = null;
            boolean ddl = false;
            boolean inStatement = false;
            StringBuilder statement = new StringBuilder();
            Map<String, Map<String, Long>> rows = new java.util.TreeMap<>();
            String line;
            while ((line = r.readLine()) != null) {
                java.util.regex.Matcher h = EVENT_HEADER.matcher(line);
                if (h.matches()) {
                    at = Instant.parse("20" + h.group(1) + "-" + h.group(2) + "-" + h.group(3) + "T"
                            + String.format("%02d", Integer.parseInt(h.group(4))) + ":" + h.group(5) + ":" + h.group(6)
                            + "Z");
                    end = Long.parseLong(h.group(7));
                    String what = h.group(8);
                    if (what.startsWith("GTID ")) {
                        String[] g = what.split(" ", -1);
                        gtid = g.length > 1 ? g[1] : "";
                        ddl = g.length > 2 && !"trans".equals(g[2]);
                        rows = new java.util.TreeMap<>();
                        statement.setLength(0);
                    } else if (what.startsWith("Xid") && gtid != null) {
                        found.add(new Transaction(at, gtid, position(serverFile, end), database, rows, null));
                        gtid = null;
                    } else if (what.startsWith("Query") && ddl) {
                        inStatement = true;
                    }
                    continue;
                }
                java.util.regex.Matcher use = USE.matcher(line);
                if (use.matches()) {
                    database = use.group(1).replace("``", "`");
                    continue;
                }
                java.util.regex.Matcher row = ROWS.matcher(line);
                if (row.matches() && gtid != null) {
                    String table =
                            row.group(2).replace("``", "`") + "." + row.group(3).replace("``", "`");
                    String kind = row.group(1).startsWith("INSERT")
                            ? "inserted"
                            : row.group(1).startsWith("UPDATE") ? "updated" : "deleted";
                    rows.computeIfAbsent(table, t -> new java.util.TreeMap<>()).merge(kind, 1L, Long::sum);
                    continue;
                }
                if (inStatement) {
                    // A statement ends with "/*!*/;", on its own line or after its last; the client settings before
                    // it ("SET ...", "/*!\C utf8mb4 */") end with it too and are not the statement.
                    if (line.startsWith("/*!*/;")
                            || (line.endsWith("/*!*/;") && !line.startsWith("SET ") && !line.startsWith("/*"))) {
                        inStatement = false;
                        String last = line.substring(0, line.length() - "/*!*/;".length())
                                .strip();
                        if (!last.isEmpty()) {
                            statement.append(statement.isEmpty() ? "" : " ").append(last);
                        }
                        if (gtid != null) {
                            found.add(new Transaction(
                                    at,
                                    gtid,
                                    position(serverFile, end),
                                    database,
                                    Map.of(),
                                    AccountStatements.shown(statement.toString().strip())));
                            gtid = null;
                        }
                    } else if (!line.startsWith("SET ")
                            && !line.startsWith("/*")
                            && !line.startsWith("#")
                            && !USE.matcher(line).matches()) {
                        statement.append(statement.isEmpty() ? "" : " ").append(line.strip());
                    }
                }
            }
            p.awaitSuccess(Duration.ofMinutes(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static BinlogPosition position(String serverFile, long end) {
        return new BinlogPosition(serverFile, Math.max(end, 4));
    }

    /**
     * One {@code mariadb} session fed by one {@code mariadb-binlog} per file, in order. One tool over several files
     * checks GTID continuity across them, and 10.11 refuses a file that begins a new binlog file after one that began
     * mid-file ("Binary logs are missing data for domain 0", found by a hostile review): each segment is a whole
     * binlog file cut between transactions, so each is read on its own.
     */
    @Override
    public void replay(List<Path> files, String schema, DatabaseTarget target, Duration timeout) {
        List<String> load = new ArrayList<>(List.of(client.toString()));
        load.addAll(ProcessDumpTools.mariadbConnectionArgs(target));
        load.addAll(List.of("--binary-mode", "--connect-timeout=30", "--database=" + target.database()));
        try (ChildProcess loader = ChildProcess.start(
                load,
                ProcessDumpTools.mariadbEnvironment(target),
                target.password(),
                true,
                RestoreFailedException::new)) {
            try (OutputStream out = loader.input()) {
                for (Path f : files) {
                    List<String> read = new ArrayList<>(List.of(
                            binlogTool.toString(),
                            "--no-defaults",
                            // Row events are rewritten to the target's name; the filter reads the source's name
                            // (measured with mariadb-binlog 10.11: it filters before it rewrites).
                            "--rewrite-db=" + schema + "->" + target.database(),
                            "--database=" + schema,
                            f.toString()));
                    try (ChildProcess reader = ChildProcess.start(
                            read, Map.of("TZ", "UTC"), Secret.none(), false, RestoreFailedException::new)) {
                        try (InputStream in = reader.output()) {
                            in.transferTo(out);
                        }
                        reader.awaitSuccess(timeout);
                    }
                }
            } catch (IOException e) {
                // the loader stopped reading: its own error says why, below
            }
            loader.awaitSuccess(timeout);
        }
    }
}
