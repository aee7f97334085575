package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The built cli/target/lifeboat.jar, run as a user would run it, against real servers. */
@ExtendWith(RealParts.class)
class LifeboatJarIT {
    private static final Path JAR = Path.of("target/lifeboat.jar");

    record Run(int exit, String out, String err) {}

    /** Rewrites the one object in the vault directory whose name ends with {@code suffix}; returns its path. */
    static Path damage(Path vaultDir, String suffix, UnaryOperator<byte[]> change) throws IOException {
        Path object;
        try (Stream<Path> files = Files.walk(vaultDir)) {
            object =
                    files.filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(object, change.apply(Files.readAllBytes(object)));
        return object;
    }

    static Run lifeboat(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            Path out = Files.createTempFile("lifeboat-out", ".txt");
            Path err = Files.createTempFile("lifeboat-err", ".txt");
            Process p =
                    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("lifeboat finished").isTrue();
            Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String url(DatabaseTarget t) {
        return t.engine().urlScheme() + "://" + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database();
    }

    @Test
    void dumpListRestore_ofPostgres_throughALocalVault_bringsBackTheSameData(PostgresServer pg, @TempDir Path dir) {
        DatabaseTarget source = pg.newDatabase("cli_src");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        String vault = "file:" + dir;

        Run dump = lifeboat(env, "dump", "--source", url(source), "--vault", vault, "--database", "orders");
        Run list = lifeboat(env, "list", "--vault", vault);
        // Issue 39: the restore, the command of the incident night, notes a backup a newer Lifeboat wrote.
        try {
            damage(
                    dir,
                    ".manifest.json",
                    bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                            .replaceFirst("\"writtenBy\" ?: ?\"[^\"]*\"", "\"writtenBy\" : \"99.0.0\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        DatabaseTarget target = pg.target(PostgresServer.uniqueName("cli_restored"));
        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                vault,
                "--database",
                "orders",
                "--backup",
                "latest",
                "--target",
                url(target),
                "--create");

        assertThat(dump.exit()).as(dump.err()).isZero();
        assertThat(dump.out()).startsWith("backup ").contains(" of orders: ");
        assertThat(list.out()).contains("orders").contains("DATABASE");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("sha256 verified");
        assertThat(restore.err()).contains("note: orders ").contains("written by Lifeboat 99.0.0, newer than this");
        assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
        assertThat(dump.err() + restore.err()).doesNotContain(pg.password());
    }

    @Test
    void dumpAndRestore_ofMariaDb_throughMotoS3_bringsBackTheSameData(MariaDbServer db, MotoServer moto) {
        DatabaseTarget source = db.newDatabase("cli_src");
        Fixtures.loadTricky(db, source.database());
        String bucket = moto.newBucket(moto.s3(), true);
        Map<String, String> env = Map.of(
                "MYSQL_PWD",
                db.password(),
                "AWS_ENDPOINT_URL",
                moto.endpoint(),
                "AWS_REGION",
                MotoServer.REGION.id(),
                "AWS_ACCESS_KEY_ID",
                "testing",
                "AWS_SECRET_ACCESS_KEY",
                "testing");
        String vault = "s3://" + bucket + "/lifeboat";

        Run dump = lifeboat(
                env,
                "dump",
                "--source",
                url(source),
                "--vault",
                vault,
                "--database",
                "shop",
                "--object-lock-mode",
                "GOVERNANCE",
                "--object-lock-days",
                "1",
                "--part-size-mib",
                "5");
        DatabaseTarget target = db.target(PostgresServer.uniqueName("cli_restored"));
        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                vault,
                "--database",
                "shop",
                "--target",
                url(target),
                "--create");

        assertThat(dump.exit()).as(dump.err()).isZero();
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(Fingerprint.of(db, target.database())).isEqualTo(Fingerprint.of(db, source.database()));
    }

    /**
     * Issue 36, item 2: an operator whose AWS_REGION (eu-west-1) is not the vault's (eu-central-1) dumps, lists and
     * restores with {@code --vault s3://...} alone, through a front that answers a request signed for the wrong Region
     * with S3's 301 PermanentRedirect and x-amz-bucket-region (moto alone would take it).
     */
    @Test
    void dumpListRestore_withAVaultInAnotherRegion_throughAFrontThatRedirectsAsS3Does(
            PostgresServer pg, MotoServer moto) throws IOException {
        DatabaseTarget source = pg.newDatabase("cli_src");
        pg.execute(source.database(), "CREATE TABLE a AS SELECT g AS id FROM generate_series(1, 500) g");
        String bucket = moto.newBucketIn("eu-central-1", true);
        try (var front = new dev.lifeboat.testing.S3RegionFront(moto.endpoint())) {
            Map<String, String> env = Map.of(
                    "PGPASSWORD",
                    pg.password(),
                    "AWS_ENDPOINT_URL",
                    front.endpoint(),
                    "AWS_REGION",
                    "eu-west-1",
                    "AWS_ACCESS_KEY_ID",
                    "testing",
                    "AWS_SECRET_ACCESS_KEY",
                    "testing");
            String vault = "s3://" + bucket + "/lifeboat";

            Run dump = lifeboat(env, "dump", "--source", url(source), "--vault", vault, "--database", "orders");
            Run list = lifeboat(env, "list", "--vault", vault);
            DatabaseTarget target = pg.target(PostgresServer.uniqueName("cli_restored"));
            Run restore = lifeboat(
                    env,
                    "restore",
                    "--from",
                    "dump",
                    "--vault",
                    vault,
                    "--database",
                    "orders",
                    "--target",
                    url(target),
                    "--create");

            assertThat(dump.exit()).as(dump.err()).isZero();
            assertThat(list.out()).contains("orders");
            assertThat(restore.exit()).as(restore.err()).isZero();
            assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
            assertThat(front.redirects())
                    .as("each process learns the bucket's Region once")
                    .isPositive();
        }
    }

    @Test
    void restoreIntoADatabaseWithTables_isRefused_withExitCode3_andChangesNothing(
            PostgresServer pg, @TempDir Path dir) {
        DatabaseTarget source = pg.newDatabase("cli_src");
        pg.execute(source.database(), "CREATE TABLE a AS SELECT 1 AS x");
        DatabaseTarget busy = pg.newDatabase("cli_busy");
        pg.execute(busy.database(), "CREATE TABLE keep_me AS SELECT 42 AS answer");
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        Map<String, String> before = Fingerprint.of(pg, busy.database());
        assertThat(lifeboat(env, "dump", "--source", url(source), "--vault", "file:" + dir, "--database", "a")
                        .exit())
                .isZero();

        Run restore = lifeboat(
                env, "restore", "--from", "dump", "--vault", "file:" + dir, "--database", "a", "--target", url(busy));

        assertThat(restore.exit()).isEqualTo(ExitCode.REFUSED);
        assertThat(restore.err()).contains("already holds 1 tables").contains("--allow-non-empty-target");
        assertThat(Fingerprint.of(pg, busy.database())).isEqualTo(before);
    }

    @Test
    void restoreOfACorruptBackup_exitsWith4_andLeavesTheTargetEmpty(PostgresServer pg, @TempDir Path dir)
            throws IOException {
        DatabaseTarget source = pg.newDatabase("cli_src");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        assertThat(lifeboat(env, "dump", "--source", url(source), "--vault", "file:" + dir, "--database", "orders")
                        .exit())
                .isZero();
        damage(dir, ".pgdump", bytes -> {
            bytes[bytes.length / 2] ^= 0x40;
            return bytes;
        });
        DatabaseTarget target = pg.newDatabase("cli_corrupt");

        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + dir,
                "--database",
                "orders",
                "--target",
                url(target));

        assertThat(restore.exit()).as(restore.err()).isEqualTo(ExitCode.CORRUPT);
        assertThat(restore.err()).contains("is corrupt");
        assertThat(Fingerprint.of(pg, target.database()).keySet()).noneMatch(k -> k.startsWith("table "));
    }

    @Test
    void wrongPassword_exitsWith1_andSaysWhatToCheck(PostgresServer pg, @TempDir Path dir) {
        DatabaseTarget source = pg.newDatabase("cli_src");

        Run dump = lifeboat(
                Map.of("PGPASSWORD", "definitely-wrong-pw"), "dump", "--source", url(source), "--vault", "file:" + dir);

        assertThat(dump.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(dump.err())
                .contains("password authentication failed")
                .contains("what to do: login failed")
                .doesNotContain("definitely-wrong-pw");
        assertThat(dir.toFile().list()).isNullOrEmpty();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Regression (issue 10, item 2): a truncated manifest made list and restore exit 70, a stray one exit 2,
     * and one dated in the future was "latest" forever. Now each is named once as a warning, and list and
     * restore --backup latest succeed with the newest sound backup.
     */
    @Test
    void badManifestsInTheVault_areNamedOnce_andListAndRestoreLatestUseTheNewestSoundBackup(
            PostgresServer pg, @TempDir Path dir) throws IOException {
        DatabaseTarget source = pg.newDatabase("cli_src");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        String vault = "file:" + dir;
        assertThat(lifeboat(env, "dump", "--source", url(source), "--vault", vault, "--database", "orders")
                        .exit())
                .isZero();
        Path manifest;
        try (var files = Files.walk(dir)) {
            manifest = files.filter(p -> p.toString().endsWith(".manifest.json"))
                    .findFirst()
                    .orElseThrow();
        }
        String good = Files.readString(manifest);
        Path day = manifest.getParent();
        // A truncated manifest named for the same day as the real one (whatever day the test runs on).
        String stamp =
                dir.relativize(day).toString().replace("dumps/orders/", "").replace("/", "") + "T000001Z";
        Files.writeString(day.resolve(stamp + ".manifest.json"), good.substring(0, good.length() / 2));
        Files.writeString(dir.resolve("dumps/orders/junk.manifest.json"), "{}");
        Path future = dir.resolve("dumps/orders/2099/01/01");
        Files.createDirectories(future);
        Files.writeString(
                future.resolve("20990101T030000Z.manifest.json"),
                good.replaceAll("\\d{8}T\\d{6}Z(-[0-9a-f]+)?", "20990101T030000Z")
                        .replaceAll("\"finishedAt\" : \"[^\"]+\"", "\"finishedAt\" : \"2099-01-01T03:05:00Z\"")
                        .replaceAll("dumps/orders/\\d{4}/\\d{2}/\\d{2}/", "dumps/orders/2099/01/01/"));

        Run list = lifeboat(env, "list", "--vault", vault);
        DatabaseTarget target = pg.target(PostgresServer.uniqueName("cli_restored"));
        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                vault,
                "--database",
                "orders",
                "--backup",
                "latest",
                "--target",
                url(target),
                "--create");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("orders").doesNotContain("20990101T030000Z");
        assertThat(list.err())
                .contains("warning: skipped dumps/orders/2026/")
                .contains("does not parse")
                .contains("warning: skipped dumps/orders/junk.manifest.json")
                .contains("is dated in the future");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
    }

    /**
     * Regression (issue 10, item 3): with one byte flipped mid-file, 199,217 of 200,000 rows of a MariaDB dump
     * were loaded (MariaDB commits as it goes), and a truncated one left 95,757 rows. Now the dump is checked
     * in full before its first byte is applied: exit 4, no database, no row.
     */
    @Test
    void aMariaDbDumpWithAByteFlippedMidFile_exitsWith4_andLeavesNoDatabase(MariaDbServer db, @TempDir Path dir)
            throws Exception {
        corruptMariaDbDump(db, dir, bytes -> {
            bytes[bytes.length / 2] ^= 0x40;
            return bytes;
        });
    }

    @Test
    void aTruncatedMariaDbDump_exitsWith4_andLeavesNoDatabase(MariaDbServer db, @TempDir Path dir) throws Exception {
        corruptMariaDbDump(db, dir, bytes -> Arrays.copyOf(bytes, bytes.length * 2 / 3));
    }

    private void corruptMariaDbDump(MariaDbServer db, Path dir, UnaryOperator<byte[]> damage) throws Exception {
        DatabaseTarget source = db.newDatabase("cli_src");
        db.execute(source.database(), "CREATE TABLE big (id INT PRIMARY KEY, note VARCHAR(64))");
        db.execute(source.database(), "INSERT INTO big SELECT seq, MD5(seq) FROM seq_1_to_100000");
        Map<String, String> env = Map.of("MYSQL_PWD", db.password());
        Run dump = lifeboat(env, "dump", "--source", url(source), "--vault", "file:" + dir, "--database", "shop");
        assertThat(dump.exit()).as(dump.err()).isZero();
        String name = damage(dir, ".sql.gz", damage).getFileName().toString();
        String backupId = name.substring(0, name.indexOf('.'));
        DatabaseTarget target = db.target(PostgresServer.uniqueName("cli_corrupt"));

        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + dir,
                "--database",
                "shop",
                "--backup",
                backupId,
                "--target",
                url(target),
                "--create");

        assertThat(restore.exit()).as(restore.err()).isEqualTo(ExitCode.CORRUPT);
        assertThat(restore.err()).contains("is corrupt");
        try (var c = db.connect("");
                var rs = c.createStatement()
                        .executeQuery("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                                + target.database() + "'")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("the database the restore would have created")
                    .isZero();
        }
    }

    /**
     * Regression (issue 10, item 3): damage early in a large PostgreSQL dump made pg_restore stop reading, and
     * the restore exited 1 ("Broken pipe") instead of reporting the corruption. The rest is now read through
     * the checksum: exit 4, and the database the restore created is removed.
     */
    @Test
    void damageEarlyInALargePostgresDump_exitsWith4_andRemovesTheDatabaseItCreated(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        DatabaseTarget source = pg.newDatabase("cli_src");
        pg.execute(
                source.database(),
                "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 300000) g");
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        Run dump = lifeboat(env, "dump", "--source", url(source), "--vault", "file:" + dir, "--database", "orders");
        assertThat(dump.exit()).as(dump.err()).isZero();
        damage(dir, ".pgdump", bytes -> {
            Arrays.fill(bytes, bytes.length / 5, bytes.length / 5 + 4096, (byte) 0);
            return bytes;
        });
        DatabaseTarget target = pg.target(PostgresServer.uniqueName("cli_corrupt"));

        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                "file:" + dir,
                "--database",
                "orders",
                "--target",
                url(target),
                "--create");

        assertThat(restore.exit()).as(restore.err()).isEqualTo(ExitCode.CORRUPT);
        assertThat(restore.err()).contains("is corrupt").contains("which this restore created, was removed");
        try (var c = pg.connect("postgres");
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + target.database() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    /** An operator re-runs a missed scheduled backup by hand, twice at once by mistake: one backup, and it restores. */
    @Test
    void dumpWithRunId_twiceAtOnce_makesOneBackupUnderTheRunsId(PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = pg.newDatabase("cli_src");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        String vault = "file:" + dir;
        var pool = Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> lifeboat(
                    env,
                    "dump",
                    "--source",
                    url(source),
                    "--vault",
                    vault,
                    "--database",
                    "orders",
                    "--run-id",
                    "2026-11-25T03:00:00Z"));
            var b = pool.submit(() -> lifeboat(
                    env,
                    "dump",
                    "--source",
                    url(source),
                    "--vault",
                    vault,
                    "--database",
                    "orders",
                    "--run-id",
                    "2026-11-25T03:00:00Z"));
            assertThat(a.get().exit()).as(a.get().err()).isZero();
            assertThat(b.get().exit()).as(b.get().err()).isZero();
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".manifest.json")))
                    .containsExactly("20261125T030000Z.manifest.json");
        }
        DatabaseTarget target = pg.target(PostgresServer.uniqueName("cli_restored"));
        Run restore = lifeboat(
                env,
                "restore",
                "--from",
                "dump",
                "--vault",
                vault,
                "--database",
                "orders",
                "--backup",
                "20261125T030000Z",
                "--target",
                url(target),
                "--create");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));

        Run bad = lifeboat(env, "dump", "--source", url(source), "--vault", vault, "--run-id", "yesterday");
        assertThat(bad.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(bad.err()).contains("--run-id 'yesterday' is not a time");
    }
}
