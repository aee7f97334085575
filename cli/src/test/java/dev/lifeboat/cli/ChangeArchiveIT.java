package dev.lifeboat.cli;

import static dev.lifeboat.cli.JarProcesses.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.core.changes.ChangeArchive;
import dev.lifeboat.core.changes.ChangeSegment;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 41 on the real parts: PostgreSQL with wal_level=logical and wal2json, the real jar as streamer (killed with
 * SIGKILL and started again, its connection cut by the server, its slot dropped behind its back), and restores to a
 * moment compared table by table, sequences included, with a fingerprint taken at that moment.
 */
@ExtendWith(RealParts.class)
class ChangeArchiveIT {
    private JarProcesses lifeboat;
    private final List<DatabaseTarget> sources = new ArrayList<>();
    private PostgresServer server;

    @AfterEach
    void stopWhatIsLeft() {
        if (lifeboat != null) {
            lifeboat.close();
        }
        // A slot left behind pins WAL on the test server: each test's own is dropped.
        for (DatabaseTarget s : sources) {
            server.execute(
                    "postgres",
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE" + " database = '"
                            + s.database() + "' AND NOT active");
        }
    }

    private static String url(DatabaseTarget t) {
        return "postgresql://" + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database();
    }

    private DatabaseTarget source(PostgresServer pg, String prefix) {
        server = pg;
        lifeboat = new JarProcesses(Map.of("PGPASSWORD", pg.password()));
        DatabaseTarget s = pg.newDatabase(prefix);
        sources.add(s);
        pg.execute(s.database(), """
                CREATE TABLE acct (id int PRIMARY KEY, balance bigint NOT NULL);
                INSERT INTO acct SELECT g, 1000 FROM generate_series(1, 50) g;
                CREATE TABLE journal (id bigserial PRIMARY KEY, src int, dst int, amount numeric(12,2), note text,
                                      data bytea, tags text[], at timestamptz DEFAULT now());
                CREATE TABLE audit (msg text);
                INSERT INTO audit VALUES ('before the dump')""");
        return s;
    }

    private Process stream(DatabaseTarget source, Path vault, Path log) throws Exception {
        return lifeboat.start(
                log,
                "stream",
                "--source",
                url(source),
                "--vault",
                "file:" + vault,
                "--database",
                "pitr",
                "--segment-seconds",
                "1");
    }

    /** Transfers between accounts and a journal row each: every transaction changes two tables, some delete. */
    private static void write(PostgresServer pg, DatabaseTarget t, Random random, int n) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int from = 1 + random.nextInt(50);
            int to = 1 + random.nextInt(50);
            sql.append("BEGIN; UPDATE acct SET balance = balance - ")
                    .append(from)
                    .append(" WHERE id = ")
                    .append(from)
                    .append("; UPDATE acct SET balance = balance + ")
                    .append(from)
                    .append(" WHERE id = ")
                    .append(to)
                    .append("; INSERT INTO journal (src, dst, amount, note, data, tags) VALUES (")
                    .append(from)
                    .append(", ")
                    .append(to)
                    .append(", ")
                    .append(random.nextInt(10000))
                    .append(".25, repeat('x', ")
                    .append(random.nextInt(300))
                    .append("), decode(md5(random()::text), 'hex'), ARRAY['a''b', NULL])");
            if (i % 10 == 9) {
                sql.append("; DELETE FROM journal WHERE id = (SELECT min(id) FROM journal)");
            }
            sql.append("; COMMIT;");
        }
        pg.execute(t.database(), sql.toString());
    }

    private static void nextSecond() throws InterruptedException {
        long ms = System.currentTimeMillis();
        Thread.sleep(1000 - ms % 1000 + 150);
    }

    private static List<ChangeSegment> segments(Path vault) {
        return new ChangeArchive(new LocalDirectoryVault(vault)).segments("pitr");
    }

    private static void awaitSlot(PostgresServer pg, DatabaseTarget source) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            try (var c = pg.connect("postgres");
                    var q = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE database = ?")) {
                q.setString(1, source.database());
                try (var r = q.executeQuery()) {
                    if (r.next()) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the streamer made no slot on " + source.database() + " within 60 s");
    }

    private static void awaitArchivedPast(Path vault, Instant moment) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            if (segments(vault).stream()
                    .anyMatch(s -> s.lastCommitAt() != null && s.lastCommitAt().isAfter(moment))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the streamer archived nothing after " + moment);
    }

    private int restore(Path vault, Path log, Instant moment, DatabaseTarget into) throws Exception {
        return lifeboat.run(
                log,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + vault,
                "--database",
                "pitr",
                "--to-time",
                moment.toString(),
                "--target",
                url(into),
                "--create");
    }

    @Test
    void destroyedAtAMoment_restoresToThatMomentWithEveryRowAndSequence_acrossAKilledStreamerAndACutConnection(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = source(pg, "pitr_src");
        Path vault = dir.resolve("vault");
        Path log = dir.resolve("lifeboat.log");
        Random random = new Random(41);
        Process first = stream(source, vault, log);
        awaitSlot(pg, source); // a dump before the slot is one no archive can follow
        write(pg, source, random, 150);
        assertThat(lifeboat.run(log, "dump", "--source", url(source), "--vault", "file:" + vault, "--database", "pitr"))
                .as("dump; log:%n%s", read(log))
                .isZero();
        write(pg, source, random, 150);
        first.destroyForcibly().waitFor();
        write(pg, source, random, 150); // while no streamer runs: the slot keeps it
        Process second = stream(source, vault, log);
        write(pg, source, random, 100);
        // The server cuts the streamer's connection (a failover, an administrator): it reads again from the archive.
        pg.execute(
                "postgres",
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '"
                        + source.database() + "' AND active");
        write(pg, source, random, 150);

        nextSecond();
        Map<String, String> atTheMoment = new java.util.TreeMap<>(Fingerprint.of(pg, source.database()));
        Instant moment = Instant.now();
        nextSecond();
        // The incident: what a careless migration does.
        pg.execute(source.database(), "DROP TABLE acct; DELETE FROM journal WHERE id % 2 = 0; TRUNCATE audit");
        pg.execute(source.database(), "INSERT INTO journal (note) VALUES ('after the moment')");
        awaitArchivedPast(vault, moment);
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<ChangeSegment> all = segments(vault);
        assertThat(ChangeArchive.chainFrom(all, all.getFirst().start()))
                .as("one unbroken chain; log:%n%s", read(log))
                .containsExactlyElementsOf(all);
        assertThat(new ChangeArchive(new LocalDirectoryVault(vault)).gaps("pitr"))
                .isEmpty();
        // Issue 41: the recovery point is the archive's, past the moment, not the dump's.
        Path points = dir.resolve("points.out");
        assertThat(lifeboat.run(points, "list", "--recovery-window", "--vault", "file:" + vault))
                .isZero();
        java.util.regex.Matcher point = java.util.regex.Pattern.compile(
                        "pitr +(\\S+) \\(.* ago\\) by dump \\S+ and the change archive")
                .matcher(read(points));
        assertThat(point.find()).as(read(points)).isTrue();
        assertThat(Instant.parse(point.group(1)))
                .isAfterOrEqualTo(moment.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

        DatabaseTarget restored = pg.target(source.database() + "_r");
        assertThat(restore(vault, log, moment, restored))
                .as("restore; log:%n%s", read(log))
                .isZero();
        Map<String, String> back = new java.util.TreeMap<>(Fingerprint.of(pg, restored.database()));
        // Logical decoding does not carry sequences: a sequence comes back as the streamer read it at the first cut
        // after the moment, never behind the moment (no key is given out twice), here one ahead: the insert after
        // the moment drew a value before that cut.
        assertThat(back.remove("sequence public.journal_id_seq"))
                .isEqualTo((Long.parseLong(atTheMoment.remove("sequence public.journal_id_seq")
                                        .split("/", -1)[0])
                                + 1) + "/true");
        assertThat(back).isEqualTo(atTheMoment);
        assertThat(read(log))
                .as("the table without a primary key is named")
                .contains("public.audit have no primary key or replica identity")
                .doesNotContain(pg.password())
                .doesNotContain("xxxxxxxxxx");

        // What an operator runs first, to find the moment: the incident's transactions and its DDL, no values.
        Path around = dir.resolve("changes.out");
        assertThat(lifeboat.run(
                        around,
                        "changes",
                        "--vault",
                        "file:" + vault,
                        "--database",
                        "pitr",
                        "--around",
                        moment.toString(),
                        "--window",
                        "1"))
                .as("changes; output:%n%s", read(around))
                .isZero();
        assertThat(read(around))
                .contains("public.journal: ")
                .containsPattern("public\\.acct: \\d+ updated; public\\.journal: 1 inserted")
                .containsPattern("public\\.journal: \\d+ deleted")
                .contains("public.audit: 1 truncated")
                .containsPattern("DDL between [0-9: .-]+ and [0-9: .-]+: the tables' columns changed")
                .doesNotContain("after the moment")
                .doesNotContain("xxxxxxxxxx")
                .doesNotContain(pg.password());
    }

    @Test
    void aSlotDroppedBehindLifeboatsBack_isAGapNoRestoreCrosses_untilADumpAfterIt(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        DatabaseTarget source = source(pg, "pitr_gap");
        Path vault = dir.resolve("vault");
        Path log = dir.resolve("lifeboat.log");
        Random random = new Random(7);
        Process first = stream(source, vault, log);
        awaitSlot(pg, source);
        write(pg, source, random, 20);
        assertThat(lifeboat.run(log, "dump", "--source", url(source), "--vault", "file:" + vault, "--database", "pitr"))
                .isZero();
        Instant beforeWrites = Instant.now();
        write(pg, source, random, 20);
        awaitArchivedPast(vault, beforeWrites);
        first.destroyForcibly().waitFor();
        pg.execute(
                "postgres",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                        + source.database() + "'");
        write(pg, source, random, 20); // lost: no slot kept it
        Instant lost = Instant.now();
        Path out = dir.resolve("stream.out");
        Process second = lifeboat.start(
                out,
                "stream",
                "--source",
                url(source),
                "--vault",
                "file:" + vault,
                "--database",
                "pitr",
                "--segment-seconds",
                "1",
                "--for",
                "8s");
        Thread.sleep(4000);
        write(pg, source, random, 20);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue())
                .as("a gap fails the run; output:%n%s", read(out))
                .isEqualTo(1);
        assertThat(read(out)).contains("GAP");

        Path listed = dir.resolve("list.out");
        assertThat(lifeboat.run(listed, "list", "--recovery-window", "--vault", "file:" + vault))
                .isZero();
        assertThat(read(listed)).contains("GAP after").contains("lifeboat_pitr");

        DatabaseTarget restored = pg.target(source.database() + "_r");
        assertThat(restore(vault, log, lost, restored))
                .as("a moment across the gap is refused; log:%n%s", read(log))
                .isEqualTo(3);
        assertThat(pg.databaseExists(restored.database())).isFalse();
    }

    @Test
    void preflight_namesWhatTheStreamWouldLeaveOut_andAUserWithoutReplication_failsIt_makingNoSlot(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = source(pg, "pitr_pre");
        pg.execute(source.database(), """
                CREATE UNLOGGED TABLE sessions (id int PRIMARY KEY);
                SELECT lo_from_bytea(0, 'secret-lo-bytes'::bytea)""");
        Path out = dir.resolve("preflight.out");
        assertThat(lifeboat.run(out, "preflight", "--source", url(source), "--database", "pitr"))
                .as("preflight; output:%n%s", read(out))
                .isZero();
        assertThat(read(out))
                .contains("ok   pitr         wal_level is logical")
                .contains("max_slot_wal_keep_size is 1024 MB")
                .contains("a replication connection as " + source.user())
                .containsPattern("ok   pitr +a free replication slot for lifeboat_pitr")
                .contains("NOTE pitr         1 tables without a primary key or replica identity")
                .contains("public.audit: their inserts are carried")
                .contains("NOTE pitr         1 unlogged tables")
                .contains("public.sessions")
                .contains("NOTE pitr         1 large objects")
                .contains("ready to stream")
                .doesNotContain("secret-lo-bytes")
                .doesNotContain(pg.password());

        // A user without REPLICATION: the stream could not read, and preflight says so before a night depends on it.
        String user = PostgresServer.uniqueName("norepl");
        pg.execute(
                "postgres",
                "CREATE ROLE " + user + " LOGIN PASSWORD 'norepl-local-only'; GRANT CONNECT ON DATABASE \""
                        + source.database() + "\" TO " + user);
        try {
            JarProcesses unprivileged = new JarProcesses(Map.of("PGPASSWORD", "norepl-local-only"));
            Path refused = dir.resolve("refused.out");
            String url = "postgresql://" + user + "@" + source.host() + ":" + source.port() + "/" + source.database();
            assertThat(unprivileged.run(refused, "preflight", "--source", url, "--database", "pitr"))
                    .as("preflight; output:%n%s", read(refused))
                    .isEqualTo(1);
            assertThat(read(refused))
                    .contains("FAIL pitr         a replication connection as " + user)
                    .contains("GRANT rds_replication TO " + user)
                    .contains("not ready")
                    .doesNotContain("norepl-local-only");
            unprivileged.close();
        } finally {
            pg.execute("postgres", "DROP OWNED BY " + user + " CASCADE; DROP ROLE " + user);
        }
        try (var c = pg.connect("postgres");
                var q = c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE database = ?")) {
            q.setString(1, source.database());
            try (var r = q.executeQuery()) {
                r.next();
                assertThat(r.getInt(1)).as("preflight made no slot").isZero();
            }
        }
    }

    /**
     * SIGKILL while a restore to a moment replays the changes: no code of Lifeboat's is left to remove the database it
     * created. The server rolls the replay back; the database holds the dump alone, and its note says INCOMPLETE, so
     * neither an operator nor the next restore mistakes it for the moment asked for.
     */
    @Test
    void aRestoreKilledWhileItReplays_leavesItsDatabaseNotedIncomplete_andTheNextRestoreIntoItRefuses(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = source(pg, "pitr_kill");
        Path vault = dir.resolve("vault");
        Path log = dir.resolve("lifeboat.log");
        // Before the dump: logical decoding carries no DDL (a procedure made after it would not come back).
        pg.execute(source.database(), """
                CREATE PROCEDURE churn(n int) LANGUAGE plpgsql AS $$
                BEGIN
                  FOR i IN 1..n LOOP
                    UPDATE acct SET balance = balance + 1 WHERE id = 1 + i % 50;
                    INSERT INTO journal (src, dst, amount, note) VALUES (i % 50, (i + 7) % 50, i, 'churn');
                    COMMIT;
                  END LOOP;
                END $$""");
        Process streamer = stream(source, vault, log);
        awaitSlot(pg, source);
        assertThat(lifeboat.run(log, "dump", "--source", url(source), "--vault", "file:" + vault, "--database", "pitr"))
                .isZero();
        Map<String, String> atTheDump = new java.util.TreeMap<>(Fingerprint.of(pg, source.database()));
        pg.execute(source.database(), "CALL churn(20000)");
        nextSecond();
        Map<String, String> atTheMoment = new java.util.TreeMap<>(Fingerprint.of(pg, source.database()));
        Instant moment = Instant.now();
        nextSecond();
        pg.execute(source.database(), "INSERT INTO audit VALUES ('after the moment')");
        awaitArchivedPast(vault, moment);
        streamer.destroy();
        assertThat(streamer.waitFor(60, TimeUnit.SECONDS)).isTrue();

        DatabaseTarget into = pg.target(source.database() + "_r");
        Process restoring = lifeboat.start(
                dir.resolve("restore.log"),
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + vault,
                "--database",
                "pitr",
                "--to-time",
                moment.toString(),
                "--target",
                url(into),
                "--create");
        String note = null;
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (restoring.isAlive() && System.nanoTime() < until) {
            note = note(pg, into.database());
            if (note != null && note.contains("replaying the changes")) {
                restoring.destroyForcibly().waitFor();
                break;
            }
            Thread.sleep(20);
        }
        assertThat(note)
                .as("caught mid-replay; log:%n%s", read(dir.resolve("restore.log")))
                .contains("replaying the changes");
        awaitNoSessions(pg, into.database());

        assertThat(note(pg, into.database()))
                .startsWith("lifeboat: INCOMPLETE restore of pitr from backup ")
                .contains(" to " + moment + " (replaying the changes after the dump)")
                .contains("drop this database and restore again");
        assertThat(Fingerprint.of(pg, into.database()))
                .as("the replay was rolled back whole: the dump alone")
                .containsExactlyInAnyOrderEntriesOf(atTheDump);

        Path again = dir.resolve("again.log");
        assertThat(restore(vault, again, moment, into))
                .as("a restore into the name a killed one left; log:%n%s", read(again))
                .isEqualTo(3);
        assertThat(read(again))
                .contains("holds a restore that was stopped before it finished")
                .contains("DROP DATABASE");
        assertThat(pg.databaseExists(into.database())).isTrue();

        pg.execute("postgres", "DROP DATABASE \"" + into.database() + "\"");
        assertThat(restore(vault, again, moment, into))
                .as("log:%n%s", read(again))
                .isZero();
        assertThat(note(pg, into.database())).startsWith("lifeboat: restore of pitr from backup ");
        Map<String, String> back = new java.util.TreeMap<>(Fingerprint.of(pg, into.database()));
        back.remove("sequence public.journal_id_seq");
        atTheMoment.remove("sequence public.journal_id_seq");
        assertThat(back).isEqualTo(atTheMoment);
    }

    /** The comment of a database, or null. */
    private static String note(PostgresServer pg, String database) throws Exception {
        try (var c = pg.connect("postgres");
                var q = c.prepareStatement("SELECT pg_catalog.shobj_description(oid, 'pg_database')"
                        + " FROM pg_catalog.pg_database WHERE datname = ?")) {
            q.setString(1, database);
            try (var r = q.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** Until no session is connected to the database: a killed client's backend ends when it sees the socket gone. */
    private static void awaitNoSessions(PostgresServer pg, String database) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            try (var c = pg.connect("postgres");
                    var q = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
                q.setString(1, database);
                try (var r = q.executeQuery()) {
                    r.next();
                    if (r.getInt(1) == 0) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sessions on " + database + " outlived the killed restore by 60 s");
    }
}
