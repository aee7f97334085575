package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 38, item 1: {@code restore --single-transaction} is all or nothing even when Lifeboat itself is killed with
 * SIGKILL (the out-of-memory killer, a container stop that escalates), which no cleanup code outlives. psql used to
 * run {@code --single-transaction}, which commits at the end of its input, and the input ends when Lifeboat dies:
 * killed during the data, a table came back with a fifth of its rows; killed during the indexes, the tables came back
 * without their constraints, committed. The transaction now travels through the pipe, and its COMMIT is written only
 * after the last part checked out. The real jar is killed at each stage of the load (its session's statement seen in
 * pg_stat_activity): killed while the schema or the data load, the database that existed before holds exactly what
 * it held; killed while its indexes build, it holds that or the whole backup, never a part.
 */
@ExtendWith(RealParts.class)
class KillMidOneTransactionIT {
    private static final Path JAR = Path.of("target/lifeboat.jar");

    private static String url(DatabaseTarget t) {
        return "postgresql://" + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database();
    }

    private static Process start(PostgresServer pg, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PGPASSWORD", pg.password());
        return pb.start();
    }

    /** The statements of the sessions on {@code database} now, in upper case. */
    private static List<String> statements(PostgresServer pg, String database) {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect("postgres");
                var q = c.prepareStatement("SELECT upper(query) FROM pg_stat_activity WHERE datname = ?")) {
            q.setString(1, database);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) == null ? "" : rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void sigkillAtEachStageOfALoadInOneTransaction_leavesTheExistingDatabaseAsItWas(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = pg.newDatabase("kill1_src");
        pg.execute(
                source.database(),
                "CREATE TABLE a (id int PRIMARY KEY, note text);"
                        + " INSERT INTO a SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 1500000) g;"
                        + " CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id), note text);"
                        + " INSERT INTO b SELECT g, g, md5(g::text) FROM generate_series(1, 600000) g;"
                        + " CREATE INDEX b_note ON b(note);"
                        + " CREATE SEQUENCE s; SELECT setval('s', 42);");
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Path err = dir.resolve("err.txt");
        Process dump = start(
                pg, err, "dump", "--source", url(source), "--vault", "file:" + vault, "--database", "k", "--jobs", "2");
        assertThat(dump.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(dump.exitValue()).as(Files.readString(err)).isZero();

        Map<String, String> whole = new HashMap<>(Fingerprint.of(pg, source.database()));
        Map<String, String> stages = new java.util.LinkedHashMap<>();
        stages.put("start", ""); // its first session on the target: the checks, or the schema (too quick to catch)
        stages.put("data", "COPY ");
        stages.put("indexes and constraints", "CREATE INDEX|ALTER TABLE");
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, String> stage : stages.entrySet()) {
            DatabaseTarget existing = pg.newDatabase("kill1_existing");
            pg.execute(existing.database(), "CREATE TABLE keep_me AS SELECT 42 AS answer");
            Map<String, String> before = Fingerprint.of(pg, existing.database());

            Process restore = start(
                    pg,
                    err,
                    "restore",
                    "--from",
                    "dump",
                    "--vault",
                    "file:" + vault,
                    "--database",
                    "k",
                    "--target",
                    url(existing),
                    "--allow-non-empty-target",
                    "--single-transaction");
            String killedAt = null;
            for (int i = 0; i < 12_000 && killedAt == null && restore.isAlive(); i++) {
                for (String statement : statements(pg, existing.database())) {
                    for (String marker : stage.getValue().split("\\|", -1)) {
                        if (statement.startsWith(marker)) {
                            killedAt = statement.substring(0, Math.min(60, statement.length()));
                        }
                    }
                }
                if (killedAt == null) {
                    Thread.sleep(5);
                }
            }
            assertThat(killedAt).as("the restore reached its " + stage.getKey()).isNotNull();
            restore.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup, the pipes close
            assertThat(restore.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 600 && !statements(pg, existing.database()).isEmpty(); i++) {
                Thread.sleep(50); // psql, orphaned, reads the end of its input and disconnects
            }
            assertThat(statements(pg, existing.database()))
                    .as("no session left on the target")
                    .isEmpty();
            seen.put(stage.getKey(), killedAt);

            Map<String, String> after = Fingerprint.of(pg, existing.database());
            if (stage.getKey().startsWith("indexes")) {
                // The post-data script is small: by the time psql runs it, Lifeboat has usually written all of it and
                // the COMMIT after it (every part checked out), so the restore is complete. All or nothing: either.
                Map<String, String> all = new HashMap<>(whole);
                all.putAll(before);
                assertThat(after)
                        .as("killed during the %s (%s): as it was, or the whole backup", stage.getKey(), killedAt)
                        .isIn(before, all);
            } else {
                assertThat(after)
                        .as("killed during the %s (%s): the database as it was", stage.getKey(), killedAt)
                        .isEqualTo(before);
            }
        }

        // And not killed, the same restore brings the whole backup into an existing database.
        DatabaseTarget existing = pg.newDatabase("kill1_existing");
        pg.execute(existing.database(), "CREATE TABLE keep_me AS SELECT 42 AS answer");
        Process notKilled = start(
                pg,
                err,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + vault,
                "--database",
                "k",
                "--target",
                url(existing),
                "--allow-non-empty-target",
                "--single-transaction");
        assertThat(notKilled.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(notKilled.exitValue()).as(Files.readString(err)).isZero();
        Map<String, String> restored = new HashMap<>(Fingerprint.of(pg, existing.database()));
        assertThat(restored.remove("table public.keep_me")).isNotNull();
        assertThat(restored).isEqualTo(whole);
        assertThat(seen).hasSize(3);
    }
}
