package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.FaultyS3Proxy;
import dev.lifeboat.testing.FaultyS3Proxy.Fault;
import dev.lifeboat.testing.FaultyS3Proxy.Operation;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 38: the fault matrix as part of the suite. Every case is one run of the packaged command line (a child
 * process, as an operator or a container runs it) over real PostgreSQL or MariaDB, into a local vault or S3 (moto
 * behind {@link FaultyS3Proxy}), with one fault: SIGKILL, SIGTERM or SIGINT at a point chosen over the run's own
 * measured length (early, middle, the last tenth), or an S3 fault (500, reset, lost answer, truncated body) once or
 * on every request. After each case one invariant is checked, whatever happened:
 *
 * <ul>
 *   <li>a dump leaves a complete backup (it restores, every table's checksum equal to the source's) or nothing new;
 *   <li>a restore leaves its target whole (every table equal to the source's), or exactly as it was (an existing
 *       database under {@code --single-transaction}), or gone (a database it created), or, after SIGKILL only, which
 *       no cleanup outlives, marked INCOMPLETE by its note, which the next restore names;
 *   <li>the exit code tells the truth: 0 only for a whole result, 130/143 for SIGINT/SIGTERM, 1 for a transfer that
 *       kept failing, never 4 (no byte of any backup was damaged);
 *   <li>no row value and no password in the output, at the log level of the case (info, debug or trace).
 * </ul>
 *
 * <p>The cases are generated, not listed: the cross product of operation and mode, vault, fault and point. By
 * default (CI) a bounded subset runs that still covers every value of every dimension at least once; {@code
 * -Dlifeboat.faults=full} runs them all ({@code scripts/faults.sh}); any other value is a regular expression on the
 * case names. The counts of the last run are written to {@code target/fault-matrix.txt}.
 */
@ExtendWith(RealParts.class)
class FaultMatrixIT {
    private static final Path JAR = Path.of("target/lifeboat.jar");
    private static final String CANARY = "canary-" + UUID.randomUUID();
    private static final String AWS_SECRET = "fault-matrix-secret-key-never-printed";

    enum Op {
        DUMP,
        RESTORE
    }

    /** How the backup is made and restored. */
    enum Mode {
        PG_STREAM(true, 1, false, null),
        PG_PARALLEL(true, 2, false, null),
        /** A parallel PostgreSQL backup restored into an existing database in one transaction. */
        PG_ONE_TRANSACTION(true, 2, true, null),
        MARIADB_GZIP(false, 1, false, null),
        MARIADB_ZSTD(false, 1, false, "zstd:1");

        final boolean pg;
        final int jobs;
        final boolean oneTransaction;
        final String compression;

        Mode(boolean pg, int jobs, boolean oneTransaction, String compression) {
            this.pg = pg;
            this.jobs = jobs;
            this.oneTransaction = oneTransaction;
            this.compression = compression;
        }

        String databaseId() {
            return "fm-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    enum Store {
        LOCAL,
        S3
    }

    /** A signal at a point of the run, or an S3 fault on one operation, once or always. */
    record Injection(String name, String signal, double at, Operation op, Fault fault, int times) {
        static Injection signal(String signal, double at) {
            return new Injection(signal + "@" + Math.round(at * 100) + "%", signal, at, null, null, 0);
        }

        static Injection s3(Operation op, Fault fault, int times) {
            return new Injection(
                    op.name().toLowerCase(java.util.Locale.ROOT) + "-"
                            + fault.name().toLowerCase(java.util.Locale.ROOT)
                            + (times == Integer.MAX_VALUE ? "-always" : "-once"),
                    null,
                    0,
                    op,
                    fault,
                    times);
        }

        /**
         * The disk full: a dump's local vault on a small tmpfs, a restore's temporary directory on a full one (a
         * parallel restore stages its schema there).
         */
        static Injection fullDisk() {
            return new Injection("disk-full", null, 0, null, null, 0);
        }

        boolean always() {
            return times == Integer.MAX_VALUE;
        }

        boolean diskFull() {
            return name.equals("disk-full");
        }

        String kind() {
            return signal != null ? signal : fault != null ? fault.name() : "DISK_FULL";
        }
    }

    record Case(Op op, Mode mode, Store store, Injection injection, String level) {
        String name() {
            return op.name().toLowerCase(java.util.Locale.ROOT) + " "
                    + mode.databaseId().substring(3) + " " + store.name().toLowerCase(java.util.Locale.ROOT) + " "
                    + injection.name() + " " + level;
        }
    }

    /** Every case of the matrix, in a fixed order. */
    static List<Case> everyCase() {
        List<Injection> signals = new ArrayList<>();
        for (String s : List.of("KILL", "TERM", "INT")) {
            for (double at : new double[] {0.15, 0.5, 0.9}) {
                signals.add(Injection.signal(s, at));
            }
        }
        List<Injection> dumpS3 = List.of(
                Injection.s3(Operation.UPLOAD_PART, Fault.SERVER_ERROR, 1),
                Injection.s3(Operation.UPLOAD_PART, Fault.RESET, 1),
                Injection.s3(Operation.COMPLETE_MULTIPART_UPLOAD, Fault.DROP_RESPONSE, 1),
                Injection.s3(Operation.PUT_MANIFEST, Fault.DROP_RESPONSE, 1),
                Injection.s3(Operation.UPLOAD_PART, Fault.SERVER_ERROR, Integer.MAX_VALUE));
        List<Injection> restoreS3 = List.of(
                Injection.s3(Operation.GET_OBJECT, Fault.TRUNCATE_BODY, 1),
                Injection.s3(Operation.GET_OBJECT, Fault.RESET, 1),
                Injection.s3(Operation.GET_OBJECT, Fault.SERVER_ERROR, 1),
                Injection.s3(Operation.GET_OBJECT, Fault.TRUNCATE_BODY, Integer.MAX_VALUE),
                // Held until the S3 client's socket timeout (2 minutes) gives up on it: in the full matrix only.
                Injection.s3(Operation.GET_OBJECT, Fault.STALL_BODY, 1));
        String[] levels = {"info", "debug", "trace"};
        List<Case> out = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Mode mode : Mode.values()) {
                if (op == Op.DUMP && mode.oneTransaction) {
                    continue; // its dump is PG_PARALLEL's
                }
                for (Store store : Store.values()) {
                    List<Injection> injections = new ArrayList<>(signals);
                    if (store == Store.S3) {
                        injections.addAll(op == Op.DUMP ? dumpS3 : restoreS3);
                    } else {
                        injections.add(Injection.fullDisk());
                    }
                    for (Injection i : injections) {
                        out.add(new Case(op, mode, store, i, levels[out.size() % levels.length]));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The CI subset: cases taken in a fixed pseudo-random order while they add a value not yet covered (an operation
     * with its mode, a vault, a signal or S3 fault, its point or whether it repeats, a log level), so every value of
     * every dimension runs at least once.
     */
    static List<Case> covering(List<Case> all) {
        List<Case> shuffled = new ArrayList<>(all);
        java.util.Collections.shuffle(shuffled, new Random(38));
        Set<String> covered = new HashSet<>();
        List<Case> out = new ArrayList<>();
        for (Case c : shuffled) {
            Injection i = c.injection();
            if (i.fault() == Fault.STALL_BODY) {
                continue; // minutes a case: the full matrix's
            }
            List<String> values = List.of(
                    "op " + c.op() + " " + c.mode(),
                    "store " + c.store(),
                    "kind " + i.kind(),
                    "when " + (i.signal() != null ? i.at() : i.always() ? "always" : i.diskFull() ? "disk" : "once"),
                    "level " + c.level());
            if (!covered.containsAll(values)) {
                covered.addAll(values);
                out.add(c);
            }
        }
        return out;
    }

    static List<Case> selected() {
        String which = System.getProperty("lifeboat.faults", "ci");
        List<Case> all = everyCase();
        if (which.equals("full")) {
            return all;
        }
        if (which.equals("ci")) {
            return covering(all);
        }
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(which);
        return all.stream().filter(c -> p.matcher(c.name()).find()).toList();
    }

    /** What one run printed and how it ended. */
    record Run(int exit, String output, boolean signalled) {}

    private final Map<String, Duration> baseline = new HashMap<>();
    private final Map<String, String> baselineBackup = new HashMap<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();

    @TestFactory
    Stream<DynamicTest> theInvariantHolds_whateverHappens(
            PostgresServer pg, MariaDbServer my, MotoServer moto, @TempDir Path dir) throws IOException {
        List<Case> cases = selected();
        Fixture f = new Fixture(pg, my, moto, dir);
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> f.run(c)));
        }
        tests.add(DynamicTest.dynamicTest("counts", () -> {
            f.close();
            StringBuilder s = new StringBuilder("fault matrix (" + System.getProperty("lifeboat.faults", "ci") + "): "
                    + cases.size() + " of " + everyCase().size() + " cases\n");
            outcomes.forEach(
                    (k, v) -> s.append("  ").append(k).append(": ").append(v).append('\n'));
            Files.writeString(Path.of("target/fault-matrix.txt"), s.toString());
            System.out.print(s);
            assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(cases.size());
        }));
        return tests.stream();
    }

    /** The sources, the vaults and the proxy, made once for all cases. */
    private final class Fixture implements AutoCloseable {
        final PostgresServer pg;
        final MariaDbServer my;
        final DatabaseTarget pgSource;
        final DatabaseTarget mySource;
        final Map<String, String> pgWhole;
        /** What a database PostgreSQL has just created holds (its catalogs' domains and extension). */
        final Map<String, String> pgEmpty;

        final Map<String, String> myWhole;
        final Path local;
        final String bucket;
        final FaultyS3Proxy proxy;
        final Path dir;
        /** The local vault of the case at hand when it is not {@link #local} (a dump onto a full disk). */
        Path localOverride;
        /** The temporary directory of the case at hand's command line, when it is not the machine's. */
        Path tmpOverride;

        Fixture(PostgresServer pg, MariaDbServer my, MotoServer moto, Path dir) throws IOException {
            this.pg = pg;
            this.my = my;
            this.dir = dir;
            pgSource = pg.newDatabase("fm_src");
            pg.execute(
                    pgSource.database(),
                    "CREATE TABLE a (id int PRIMARY KEY, note text);"
                            + " INSERT INTO a SELECT g, md5(g::text) || md5((g + 1)::text)"
                            + " FROM generate_series(1, 200000) g;"
                            + " INSERT INTO a VALUES (0, '" + CANARY + "');"
                            + " CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id), note text);"
                            + " INSERT INTO b SELECT g, g, md5(g::text) FROM generate_series(1, 80000) g;"
                            + " CREATE INDEX b_note ON b(note);"
                            + " CREATE SEQUENCE s; SELECT setval('s', 38);");
            pgWhole = Fingerprint.of(pg, pgSource.database());
            pgEmpty = Fingerprint.of(pg, pg.newDatabase("fm_empty").database());
            mySource = my.newDatabase("fm_src");
            my.execute(
                    mySource.database(),
                    "CREATE TABLE a (id INT PRIMARY KEY, note VARCHAR(80));"
                            + " INSERT INTO a SELECT seq, CONCAT(MD5(seq), MD5(seq + 1)) FROM seq_1_to_150000;"
                            + " INSERT INTO a VALUES (0, '" + CANARY + "');"
                            + " CREATE TABLE b (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40), KEY (note));"
                            + " INSERT INTO b (note) SELECT MD5(seq) FROM seq_1_to_50000;");
            myWhole = Fingerprint.of(my, mySource.database());
            local = Files.createDirectories(dir.resolve("vault"));
            bucket = moto.newBucket(moto.s3(), true);
            proxy = new FaultyS3Proxy(moto.endpoint());
        }

        Path local() {
            return localOverride != null ? localOverride : local;
        }

        /**
         * A tmpfs of {@code kib} KiB at a new folder, filled to the last byte when {@code full}; null when this machine
         * will not mount one (not root).
         */
        Path tmpfs(String name, int kib, boolean full) throws IOException, InterruptedException {
            Path p = Files.createDirectories(dir.resolve(name + "-" + UUID.randomUUID()));
            Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", p.toString())
                    .redirectErrorStream(true)
                    .start();
            String said = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (m.waitFor() != 0) {
                System.err.println("fault matrix: cannot mount a tmpfs for the disk-full cases: " + said.strip());
                return null;
            }
            if (full) {
                try (var out = Files.newOutputStream(p.resolve("fill"))) {
                    byte[] page = new byte[4096];
                    while (true) {
                        out.write(page);
                    }
                } catch (IOException expected) {
                    // No space left on device: full
                }
            }
            return p;
        }

        void unmount(Path p) throws IOException, InterruptedException {
            if (p != null) {
                new ProcessBuilder("umount", "-l", p.toString())
                        .inheritIO()
                        .start()
                        .waitFor();
            }
        }

        String vault(Store store) {
            return store == Store.LOCAL ? "file:" + local() : "s3://" + bucket + "/lifeboat";
        }

        Map<String, String> env(Case c) {
            Map<String, String> env = new HashMap<>();
            env.put("PGPASSWORD", pg.password());
            env.put("MYSQL_PWD", my.password());
            env.put("AWS_ENDPOINT_URL", proxy.endpoint());
            env.put("AWS_REGION", MotoServer.REGION.id());
            env.put("AWS_ACCESS_KEY_ID", "testing");
            env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
            env.put(
                    "JAVA_TOOL_OPTIONS",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + c.level()
                            + (tmpOverride == null ? "" : " -Djava.io.tmpdir=" + tmpOverride));
            if (tmpOverride != null) {
                env.put("TMPDIR", tmpOverride.toString());
            }
            return env;
        }

        String url(DatabaseTarget t) {
            return (t.engine() == dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL ? "postgresql" : "mariadb") + "://"
                    + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database();
        }

        List<String> dumpArgs(Mode mode, Store store) {
            List<String> a = new ArrayList<>(List.of(
                    "dump",
                    "--source",
                    url(mode.pg ? pgSource : mySource),
                    "--vault",
                    vault(store),
                    "--database",
                    mode.databaseId()));
            if (mode.jobs > 1) {
                a.addAll(List.of("--jobs", String.valueOf(mode.jobs)));
            }
            if (mode.compression != null) {
                a.addAll(List.of("--compression", mode.compression));
            }
            return a;
        }

        List<String> restoreArgs(Mode mode, Store store, String backup, DatabaseTarget target) {
            return restoreArgs(mode, store, backup, target, mode.oneTransaction);
        }

        List<String> restoreArgs(Mode mode, Store store, String backup, DatabaseTarget target, boolean existing) {
            List<String> a = new ArrayList<>(List.of(
                    "restore",
                    "--from",
                    "dump",
                    "--vault",
                    vault(store),
                    "--database",
                    mode.databaseId(),
                    "--backup",
                    backup,
                    "--target",
                    url(target)));
            if (existing) {
                a.addAll(List.of("--allow-non-empty-target", "--single-transaction"));
            } else {
                a.add("--create");
            }
            if (mode.jobs > 1) {
                a.addAll(List.of("--jobs", String.valueOf(mode.jobs)));
            }
            return a;
        }

        /** The backups {@code lifeboat list} shows for the mode's database id. */
        List<String> backups(Mode mode, Store store) {
            Run list = exec(
                    env(new Case(Op.DUMP, mode, store, Injection.signal("none", 0), "info")),
                    List.of("list", "--vault", vault(store)),
                    null);
            assertThat(list.exit()).as(list.output()).isZero();
            List<String> out = new ArrayList<>();
            for (String line : list.output().lines().toList()) {
                List<String> w = List.of(line.trim().split("\\s+", -1));
                if (w.size() > 1 && w.get(0).equals(mode.databaseId())) {
                    out.add(w.get(1));
                }
            }
            return out;
        }

        DatabaseTarget fresh(Mode mode, String prefix) {
            return mode.pg
                    ? pg.target(PostgresServer.uniqueName(prefix))
                    : my.target(PostgresServer.uniqueName(prefix));
        }

        Map<String, String> fingerprint(DatabaseTarget t) {
            return t.engine() == dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL
                    ? Fingerprint.of(pg, t.database())
                    : Fingerprint.of(my, t.database());
        }

        boolean exists(DatabaseTarget t) {
            return new JdbcInspector().databaseExists(t);
        }

        void drop(DatabaseTarget t) {
            if (!exists(t)) {
                return;
            }
            if (t.engine() == dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL) {
                pg.execute("postgres", "DROP DATABASE \"" + t.database() + "\" WITH (FORCE)");
            } else {
                my.execute(mySource.database(), "DROP DATABASE `" + t.database() + "`");
            }
        }

        Map<String, String> whole(Mode mode) {
            return mode.pg ? pgWhole : myWhole;
        }

        /** A backup of the mode in the store, made unfaulted once, and how long a dump and a restore take. */
        String baseline(Mode mode, Store store) {
            String key = mode + " " + store;
            if (!baselineBackup.containsKey(key)) {
                Mode dumpMode = mode.oneTransaction ? Mode.PG_PARALLEL : mode;
                Case plain = new Case(Op.DUMP, mode, store, Injection.signal("none", 0), "info");
                List<String> before = backups(mode, store);
                long t0 = System.nanoTime();
                List<String> args = dumpArgs(dumpMode, store);
                args.set(args.indexOf("--database") + 1, mode.databaseId());
                Run dump = exec(env(plain), args, null);
                baseline.put("dump " + key, Duration.ofNanos(System.nanoTime() - t0));
                assertThat(dump.exit()).as(dump.output()).isZero();
                List<String> made = new ArrayList<>(backups(mode, store));
                made.removeAll(before);
                assertThat(made).hasSize(1);
                DatabaseTarget target = fresh(mode, "fm_base");
                long t1 = System.nanoTime();
                Run restore = exec(env(plain), restoreArgs(mode, store, made.getFirst(), target, false), null);
                baseline.put("restore " + key, Duration.ofNanos(System.nanoTime() - t1));
                assertThat(restore.exit()).as(restore.output()).isZero();
                assertThat(fingerprint(target)).isEqualTo(whole(mode));
                drop(target);
                baselineBackup.put(key, made.getFirst());
            }
            return baselineBackup.get(key);
        }

        void run(Case c) throws Exception {
            String backup = baseline(c.mode(), c.store());
            Duration length =
                    baseline.get(c.op().name().toLowerCase(java.util.Locale.ROOT) + " " + c.mode() + " " + c.store());
            Injection i = c.injection();
            if (i.op() != null) {
                proxy.fail(i.op(), i.fault(), i.times());
            }
            int seenBefore = i.op() == null ? 0 : proxy.seen(i.op());
            Path disk = null;
            if (i.diskFull()) {
                // a dump's vault with room for a fraction of the backup; a restore's temporary directory with none
                disk = c.op() == Op.DUMP ? tmpfs("full-vault", 1024, false) : tmpfs("full-tmp", 64, true);
                if (disk == null) {
                    count(c, "not run: no tmpfs could be mounted (not root)");
                    return;
                }
                if (c.op() == Op.DUMP) {
                    localOverride = disk;
                } else {
                    tmpOverride = disk;
                }
            }
            try {
                if (c.op() == Op.DUMP) {
                    dumpCase(c, length);
                } else {
                    restoreCase(c, backup, length);
                }
            } finally {
                if (i.op() != null) {
                    proxy.fail(i.op(), i.fault(), 0);
                }
                localOverride = null;
                tmpOverride = null;
                unmount(disk);
            }
            if (i.op() != null) {
                assertThat(proxy.seen(i.op()))
                        .as("the fault's operation was reached")
                        .isGreaterThan(seenBefore);
            }
        }

        /** The partial objects of the local vault: a dump that cleans up leaves none of its own. */
        Set<String> partials() {
            try (Stream<Path> files = Files.walk(local())) {
                return files.map(Path::toString)
                        .filter(p -> p.contains("partial"))
                        .collect(java.util.stream.Collectors.toSet());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void dumpCase(Case c, Duration length) {
            List<String> before = backups(c.mode(), c.store());
            Set<String> partialsBefore = partials();
            Run run = exec(
                    env(c),
                    dumpArgs(c.mode(), c.store()),
                    c.injection().signal() == null
                            ? null
                            : new Signal(
                                    c.injection().signal(),
                                    scaled(length, c.injection().at())));
            List<String> made = new ArrayList<>(backups(c.mode(), c.store()));
            made.removeAll(before);
            checkOutput(c, run);
            assertThat(made).as("at most one new backup").hasSizeLessThanOrEqualTo(1);
            Injection i = c.injection();
            if (i.diskFull()) {
                assertThat(run.exit()).as(run.output()).isEqualTo(1);
                assertThat(made).as("a dump that did not fit records nothing").isEmpty();
                assertThat(run.output()).as("the disk is named").contains("No space left on device");
            } else if (i.op() != null) {
                if (i.always()) {
                    assertThat(run.exit()).as(run.output()).isEqualTo(1);
                    assertThat(made)
                            .as("a dump that could not upload records nothing")
                            .isEmpty();
                } else {
                    assertThat(run.exit()).as(run.output()).isZero();
                }
            } else {
                assertThat(run.exit()).as(run.output()).isIn(0, exitOf(i.signal()));
            }
            if (run.exit() == 0) {
                assertThat(made).as("a dump that exits 0 recorded its backup").hasSize(1);
            }
            if (c.store() == Store.LOCAL && !"KILL".equals(i.signal())) {
                Set<String> left = new HashSet<>(partials());
                left.removeAll(partialsBefore); // SIGKILL cases before this one leave theirs: nothing outlives it
                assertThat(left)
                        .as("no partial object left by a dump that could clean up")
                        .isEmpty();
            }
            for (String b : made) {
                DatabaseTarget check = fresh(c.mode(), "fm_check");
                Run restore = exec(env(c), restoreArgs(c.mode(), c.store(), b, check), null);
                assertThat(restore.exit())
                        .as("the new backup %s restores: %s", b, restore.output())
                        .isZero();
                assertThat(fingerprint(check)).as("the new backup is whole").isEqualTo(whole(c.mode()));
                drop(check);
            }
            count(c, run.exit() + (made.isEmpty() ? ", nothing new" : ", a whole backup"));
        }

        void restoreCase(Case c, String backup, Duration length) {
            DatabaseTarget target = fresh(c.mode(), "fm_target");
            Map<String, String> before = Map.of();
            if (c.mode().oneTransaction) {
                pg.execute("postgres", "CREATE DATABASE \"" + target.database() + "\"");
                pg.execute(target.database(), "CREATE TABLE keep_me AS SELECT 42 AS answer");
                before = fingerprint(target);
            }
            Injection i = c.injection();
            Run run = exec(
                    env(c),
                    restoreArgs(c.mode(), c.store(), backup, target),
                    i.signal() == null ? null : new Signal(i.signal(), scaled(length, i.at())));
            awaitNoSessions(target);
            checkOutput(c, run);
            String outcome;
            if (c.mode().oneTransaction) {
                Map<String, String> all = new LinkedHashMap<>(whole(c.mode()));
                all.putAll(before);
                Map<String, String> after = fingerprint(target);
                assertThat(after)
                        .as("as it was, or the whole backup: %s", run.output())
                        .isIn(before, all);
                if (run.exit() == 0) {
                    assertThat(after).isEqualTo(all);
                }
                outcome = after.equals(before) ? "as it was" : "whole";
            } else if (!exists(target)) {
                assertThat(run.exit()).as(run.output()).isNotZero();
                outcome = "gone";
            } else {
                Optional<String> note = new JdbcInspector().restoreNote(target);
                boolean incomplete = note.isPresent() && note.get().startsWith("lifeboat: INCOMPLETE");
                if (incomplete) {
                    assertThat(i.signal())
                            .as("only SIGKILL leaves a created database behind: " + run.output())
                            .isEqualTo("KILL");
                    outcome = "left, marked INCOMPLETE";
                } else if ("KILL".equals(i.signal())
                        && c.mode().pg
                        && note.isEmpty()
                        && fingerprint(target).equals(pgEmpty)) {
                    // PostgreSQL's CREATE DATABASE cannot share a transaction with its COMMENT: a SIGKILL in the one
                    // round trip between them leaves the database empty and unmarked (docs/security.md says so).
                    outcome = "left empty and unmarked (killed between CREATE DATABASE and its note)";
                } else {
                    assertThat(fingerprint(target))
                            .as("whole: %s", run.output())
                            .isEqualTo(whole(c.mode()));
                    outcome = "whole";
                }
            }
            if (i.diskFull()) {
                // only a restore that stages (a parallel backup's schema) needs the temporary directory
                assertThat(run.exit()).as(run.output()).isIn(0, 1);
                if (run.exit() == 1) {
                    assertThat(run.output())
                            .as("the full disk is named, and where it is: the temporary directory, not the vault")
                            .contains("No space left on device")
                            .contains("temporary directory");
                }
            } else if (i.op() != null) {
                assertThat(run.exit()).as(run.output()).isEqualTo(i.always() ? 1 : 0);
            } else {
                assertThat(run.exit()).as(run.output()).isIn(0, exitOf(i.signal()));
            }
            if (run.exit() == 0) {
                assertThat(outcome).isEqualTo("whole");
            }
            drop(target);
            count(c, run.exit() + ", " + outcome);
        }

        void checkOutput(Case c, Run run) {
            keep(c, run);
            assertThat(run.output())
                    .as("no row value and no secret in the output at " + c.level())
                    .doesNotContain(CANARY)
                    .doesNotContain(pg.password())
                    .doesNotContain(my.password())
                    .doesNotContain(AWS_SECRET);
            assertThat(run.exit())
                    .as("no backup was damaged: never exit 4\n" + run.output())
                    .isNotEqualTo(4);
            if (run.signalled() && (run.exit() == 130 || run.exit() == 143)) {
                assertThat(run.output()).contains("lifeboat: interrupted");
            }
        }

        void awaitNoSessions(DatabaseTarget t) {
            if (t.engine() != dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL) {
                return;
            }
            for (int n = 0; n < 600; n++) {
                try (var conn = pg.connect("postgres");
                        var q = conn.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
                    q.setString(1, t.database());
                    try (var rs = q.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == 0) {
                            return;
                        }
                    }
                    Thread.sleep(50); // an orphaned psql or pg_restore reads the end of its input and leaves
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** The run's output, kept under target/fault-matrix-logs/ for whoever reads a result. */
        void keep(Case c, Run run) {
            try {
                Path logs = Files.createDirectories(Path.of("target/fault-matrix-logs"));
                Files.writeString(
                        logs.resolve(c.name().replaceAll("[^A-Za-z0-9@%.-]+", "_") + ".log"),
                        "exit " + run.exit() + "\n" + run.output());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void count(Case c, String outcome) {
            String key = c.op().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + (c.injection().signal() != null
                            ? "SIG" + c.injection().signal()
                            : c.injection().diskFull() ? "disk full" : "S3 fault")
                    + " -> exit "
                    + outcome;
            outcomes.merge(key, 1, Integer::sum);
        }

        @Override
        public void close() {
            proxy.close();
        }
    }

    record Signal(String name, Duration after) {}

    private static Duration scaled(Duration length, double at) {
        return Duration.ofMillis(Math.max(50, (long) (length.toMillis() * at)));
    }

    private static int exitOf(String signal) {
        return switch (signal) {
            case "KILL" -> 137;
            case "TERM" -> 143;
            case "INT" -> 130;
            default -> throw new IllegalArgumentException(signal);
        };
    }

    /** Runs the packaged jar; with a signal, sends it after its delay unless the run ended first. */
    private static Run exec(Map<String, String> env, List<String> args, Signal signal) {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(args);
        try {
            Path out = Files.createTempFile("lifeboat-fm", ".txt");
            try {
                ProcessBuilder pb =
                        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                boolean signalled = false;
                if (signal != null && !p.waitFor(signal.after().toMillis(), TimeUnit.MILLISECONDS)) {
                    new ProcessBuilder("kill", "-" + signal.name(), String.valueOf(p.pid()))
                            .start()
                            .waitFor();
                    signalled = true;
                }
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("lifeboat " + args.getFirst() + " did not end within 5 minutes");
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), signalled);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
