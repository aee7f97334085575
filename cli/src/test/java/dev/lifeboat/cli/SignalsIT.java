package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (issue 10, item 5): SIGINT or SIGTERM mid-dump left an open upload (and a password file), and a
 * restore with --create left its database behind. The real jar, as a child process of the test, is sent
 * SIGTERM while its tool runs: it stops the tool, cleans up as on any failure, says so, and exits 143.
 */
@ExtendWith(RealParts.class)
class SignalsIT {
    private static final Path JAR = Path.of("target/lifeboat.jar");

    private static DatabaseTarget bigDatabase(PostgresServer pg) {
        DatabaseTarget source = pg.newDatabase("sig_src");
        pg.execute(
                source.database(),
                "CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS note"
                        + " FROM generate_series(1, 3000000) g");
        return source;
    }

    private static Process start(PostgresServer pg, Path err, String... args) throws Exception {
        return start(Map.of("PGPASSWORD", pg.password()), err, args);
    }

    private static Process start(Map<String, String> env, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 1200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(condition.getAsBoolean()).as("the operation got under way").isTrue();
    }

    private static String url(DatabaseTarget t) {
        return "postgresql://" + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database();
    }

    @Test
    void sigtermMidDump_stopsPgDump_recordsNoBackup_leavesNoPartialObject_andExits143(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = bigDatabase(pg);
        Path err = dir.resolve("err.txt");
        Path vault = Files.createDirectories(dir.resolve("vault"));

        Process p = start(pg, err, "dump", "--source", url(source), "--vault", "file:" + vault, "--database", "big");
        // pg_dump is streaming once the upload's temporary file grows (its --version check is a child too).
        await(() -> files(vault).anyMatch(f -> f.getFileName().toString().contains("partial") && size(f) > 1 << 20));
        p.destroy(); // SIGTERM

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(err))
                .contains("lifeboat: interrupted; stopped 1 running tool(s), cleaning up")
                .contains("no backup was recorded")
                .contains("lifeboat: interrupted: the lines above say what the command did and undid");
        assertThat(files(vault)).as("no manifest, no partial object").isEmpty();
    }

    @Test
    void sigtermMidRestore_withCreate_removesTheDatabaseItCreated_andExits143(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        DatabaseTarget source = bigDatabase(pg);
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Path err = dir.resolve("err.txt");
        assertThat(start(pg, err, "dump", "--source", url(source), "--vault", "file:" + vault, "--database", "big")
                        .waitFor())
                .isZero();
        DatabaseTarget target = pg.target(PostgresServer.uniqueName("sig_restored"));

        Process p = start(
                pg,
                err,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + vault,
                "--database",
                "big",
                "--target",
                url(target),
                "--create");
        // pg_restore is loading once it holds a session on the new database (nothing else connects to it).
        await(() -> sessions(pg, target.database()) > 0);
        p.destroy(); // SIGTERM

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(err)).contains("which this restore created, was removed");
        assertThat(exists(pg, target.database())).isFalse();
    }

    @Test
    void sigintMidMariaDbDump_stopsMariaDbDump_recordsNoBackup_leavesNoPartialObject_andExits130(
            MariaDbServer db, @TempDir Path dir) throws Exception {
        DatabaseTarget source = db.newDatabase("sig_src");
        db.execute(source.database(), "CREATE TABLE big (id INT PRIMARY KEY, note VARCHAR(80))");
        db.execute(
                source.database(), "INSERT INTO big SELECT seq, CONCAT(MD5(seq), MD5(seq + 1)) FROM seq_1_to_1500000");
        Path err = dir.resolve("err.txt");
        Path vault = Files.createDirectories(dir.resolve("vault"));
        String from =
                "mariadb://" + source.user() + "@" + source.host() + ":" + source.port() + "/" + source.database();

        Process p = start(
                Map.of("MYSQL_PWD", db.password()),
                err,
                "dump",
                "--source",
                from,
                "--vault",
                "file:" + vault,
                "--database",
                "shop");
        await(() -> files(vault).anyMatch(f -> f.getFileName().toString().contains("partial") && size(f) > 1 << 20));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(130);
        assertThat(Files.readString(err))
                .contains("lifeboat: interrupted; stopped 1 running tool(s), cleaning up")
                .contains("no backup was recorded");
        assertThat(files(vault)).as("no manifest, no partial object").isEmpty();
        assertThat(ProcessHandle.allProcesses()
                        .filter(h -> h.info().commandLine().orElse("").contains(source.database()))
                        .filter(h -> h.info().command().orElse("").contains("mariadb-dump")))
                .as("no mariadb-dump left running")
                .isEmpty();
    }

    /** MariaDB commits as it loads: the database the restore created, partly loaded, must go too. */
    @Test
    void sigtermMidMariaDbRestore_withCreate_removesTheDatabaseItCreated_andExits143(
            MariaDbServer db, @TempDir Path dir) throws Exception {
        DatabaseTarget source = db.newDatabase("sig_src");
        db.execute(source.database(), "CREATE TABLE big (id INT PRIMARY KEY, note VARCHAR(80))");
        db.execute(
                source.database(), "INSERT INTO big SELECT seq, CONCAT(MD5(seq), MD5(seq + 1)) FROM seq_1_to_1500000");
        Map<String, String> env = Map.of("MYSQL_PWD", db.password());
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Path err = dir.resolve("err.txt");
        String from =
                "mariadb://" + source.user() + "@" + source.host() + ":" + source.port() + "/" + source.database();
        assertThat(start(env, err, "dump", "--source", from, "--vault", "file:" + vault, "--database", "shop")
                        .waitFor())
                .isZero();
        DatabaseTarget target = db.target(PostgresServer.uniqueName("sig_restored"));
        String to = "mariadb://" + target.user() + "@" + target.host() + ":" + target.port() + "/" + target.database();

        Process p = start(
                env,
                err,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + vault,
                "--database",
                "shop",
                "--target",
                to,
                "--create");
        // the mariadb client is loading once it holds a session on the new database
        await(() -> mariaDbSessions(db, target.database()) > 0);
        p.destroy(); // SIGTERM

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(err)).contains("which this restore created, was removed");
        assertThat(mariaDbSchemas(db, target.database())).isZero();
    }

    private static int mariaDbSessions(MariaDbServer db, String database) {
        return mariaDbCount(db, "SELECT COUNT(*) FROM information_schema.processlist WHERE db = ?", database);
    }

    private static int mariaDbSchemas(MariaDbServer db, String database) {
        return mariaDbCount(db, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", database);
    }

    private static int mariaDbCount(MariaDbServer db, String sql, String value) {
        try (Connection c = db.connect("");
                var ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static int sessions(PostgresServer pg, String database) {
        try (Connection c = pg.connect("postgres");
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static boolean exists(PostgresServer pg, String database) {
        try (Connection c = pg.connect("postgres");
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
