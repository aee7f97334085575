package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.ClientTooOldException;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.ProgressListener;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Every way a dump can fail ends the same: a non-zero outcome with a message naming the cause, no
 * manifest (so no backup), and no multipart upload left open in the bucket.
 */
@ExtendWith(RealParts.class)
class DumpFailuresIT {
    private static final int PART = 5 * 1024 * 1024;

    private PostgresServer pg;
    private MotoServer moto;
    private S3Client s3;
    private String bucket;
    private S3Vault vault;

    @BeforeEach
    void setUp(PostgresServer pg, MotoServer moto) {
        this.pg = pg;
        this.moto = moto;
        this.s3 = moto.s3();
        this.bucket = moto.newBucket(s3, false);
        this.vault = new S3Vault(s3, S3Vault.Settings.of(bucket, "v").withParts(PART, 2), Clock.systemUTC());
    }

    /** About 12 MiB of incompressible rows: more than two upload parts, and a dump that takes a moment. */
    private DatabaseTarget bigDatabase() {
        DatabaseTarget db = pg.newDatabase("big");
        pg.execute(
                db.database(),
                "CREATE EXTENSION pgcrypto; CREATE TABLE blobs AS "
                        + "SELECT g AS id, gen_random_bytes(1024) AS data FROM generate_series(1, 12000) g");
        return db;
    }

    private void assertNothingLeftBehind(Vault v) {
        assertThat(new BackupCatalog(v, Clock.systemUTC()).databases())
                .as("no manifest, so no backup")
                .isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .as("open multipart uploads")
                .isEmpty();
    }

    @Test
    void wrongPassword_failsNamingTheLogin_andLeavesNoBackup() {
        DatabaseTarget db = pg.newDatabase("pw").withPassword(Secret.of("not-the-password-7f3a"));

        assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("pw", db, null, null)))
                .isInstanceOf(DatabaseAccessException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("not-the-password-7f3a")
                .satisfies(e -> assertThat(((DatabaseAccessException) e).hint()).contains("login failed"));
        assertNothingLeftBehind(vault);
    }

    @Test
    void missingDatabase_failsNamingTheDatabase_andLeavesNoBackup() {
        DatabaseTarget db = pg.target("no_such_db_9c1e");

        assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("gone", db, null, null)))
                .isInstanceOf(DatabaseAccessException.class)
                .hasMessageContaining("no_such_db_9c1e")
                .satisfies(e -> assertThat(((DatabaseAccessException) e).hint()).contains("does not exist"));
        assertNothingLeftBehind(vault);
    }

    @Test
    void dumpToolKilledMidStream_failsSayingItWasKilled_andAbortsTheUpload() {
        DatabaseTarget db = bigDatabase();
        AtomicBoolean killed = new AtomicBoolean();
        ProgressListener killPgDump = bytes -> {
            if (!killed.get() && bytes > 0) {
                ProcessHandle.current()
                        .descendants()
                        .filter(h -> h.info().command().orElse("").endsWith("pg_dump"))
                        .forEach(h -> killed.set(h.destroyForcibly() || killed.get()));
            }
        };

        assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("big", db, null, killPgDump)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("pg_dump was killed by signal 9 (SIGKILL)");
        assertThat(killed).isTrue();
        assertNothingLeftBehind(vault);
    }

    @Test
    void userWithoutReadAccess_failsNamingTheTable_andLeavesNoBackup() {
        DatabaseTarget db = pg.newDatabase("perm");
        String role = "lb_limited_" + db.database().substring(db.database().length() - 6);
        pg.execute(
                db.database(),
                "CREATE ROLE " + role + " LOGIN PASSWORD 'limited-pw';"
                        + "CREATE TABLE private_data (id int); INSERT INTO private_data VALUES (1);"
                        + "REVOKE ALL ON private_data FROM PUBLIC; GRANT CONNECT ON DATABASE " + db.database() + " TO "
                        + role);
        DatabaseTarget limited =
                new DatabaseTarget(db.engine(), db.host(), db.port(), db.database(), role, Secret.of("limited-pw"));

        // pg_dump and the row count meet the missing privilege at about the same time; either names it.
        assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("perm", limited, null, null)))
                .isInstanceOfAny(DatabaseAccessException.class, DumpFailedException.class)
                .hasMessageContaining("permission denied for table private_data");
        assertNothingLeftBehind(vault);
    }

    @Test
    void dumpToolPrintingAnErrorButExitingZero_isStillAFailure(@TempDir Path bin) throws IOException {
        Path tool = bin.resolve("pg_dump");
        Files.writeString(tool, """
                #!/bin/sh
                if [ "$1" = "--version" ]; then echo 'pg_dump (PostgreSQL) 99.0'; exit 0; fi
                printf 'PGDMP-partial-output'
                echo 'pg_dump: error: query failed: ERROR:  could not read block 7 in file "base/16384/16385"' >&2
                exit 0
                """);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        DatabaseTarget db = pg.newDatabase("lying");

        assertThatThrownBy(() -> Wiring.dumping(vault, toolsIn(bin, "LIFEBOAT_PG_BIN"), TakingDump.Settings.DEFAULTS)
                        .dump(new TakingDump.Command("lying", db, null, null)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("exit code 0")
                .hasMessageContaining("could not read block 7");
        assertNothingLeftBehind(vault);
    }

    @Test
    void dumpRunningPastItsTimeout_isStopped_andLeavesNoBackup() {
        DatabaseTarget db = bigDatabase();
        var settings = new TakingDump.Settings(100_000, Duration.ofMillis(300));
        ProgressListener slow = bytes -> sleep(50);

        assertThatThrownBy(() -> Wiring.dumping(vault, ProcessDumpTools.fromEnvironment(), settings)
                        .dump(new TakingDump.Command("big", db, null, slow)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("did not finish within 0.3 s");
        assertNothingLeftBehind(vault);
    }

    @Test
    void vaultFailingMidUpload_abortsTheUpload_andNamesTheVault() {
        DatabaseTarget db = bigDatabase();
        ExecutionInterceptor failSecondPart = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest r && r.partNumber() == 2) {
                    throw SdkClientException.create("injected: connection reset while sending part 2");
                }
            }
        };
        S3Client failing = S3Client.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .forcePathStyle(true)
                .region(MotoServer.REGION)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(failSecondPart))
                .build();
        S3Vault failingVault =
                new S3Vault(failing, S3Vault.Settings.of(bucket, "v").withParts(PART, 1), Clock.systemUTC());

        assertThatThrownBy(() -> Wiring.dumping(failingVault).dump(new TakingDump.Command("big", db, null, null)))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("s3://" + bucket)
                .hasMessageContaining("injected: connection reset while sending part 2");
        assertNothingLeftBehind(vault);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .as("no object either")
                .isEmpty();
    }

    @Test
    void bucketThatDoesNotExist_failsBeforeDumping() {
        S3Vault missing = new S3Vault(s3, S3Vault.Settings.of("lifeboat-no-such-bucket-41", ""), Clock.systemUTC());
        DatabaseTarget db = pg.newDatabase("nb");

        assertThatThrownBy(() -> Wiring.dumping(missing).dump(new TakingDump.Command("nb", db, null, null)))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("bucket lifeboat-no-such-bucket-41 does not exist");
    }

    @Test
    void pgDumpOlderThanTheServer_isRefusedBeforeAnythingMoves(@TempDir Path bin) throws IOException {
        fakeTool(bin, "pg_dump", "pg_dump (PostgreSQL) 12.4");
        DatabaseTarget db = pg.newDatabase("old");

        assertThatThrownBy(() -> Wiring.dumping(vault, toolsIn(bin, "LIFEBOAT_PG_BIN"), TakingDump.Settings.DEFAULTS)
                        .dump(new TakingDump.Command("old", db, null, null)))
                .isInstanceOf(ClientTooOldException.class)
                .hasMessageContaining("pg_dump 12.4.0 is older than the PostgreSQL server 15.");
        assertNothingLeftBehind(vault);
    }

    @Test
    void mariadbDumpOlderThanTheServer_isRefused(MariaDbServer mariadb, @TempDir Path bin) throws IOException {
        fakeTool(bin, "mariadb-dump", "mariadb-dump  Ver 10.19 Distrib 10.3.39-MariaDB, for debian-linux-gnu (x86_64)");
        DatabaseTarget db = mariadb.newDatabase("old");

        assertThatThrownBy(
                        () -> Wiring.dumping(vault, toolsIn(bin, "LIFEBOAT_MARIADB_BIN"), TakingDump.Settings.DEFAULTS)
                                .dump(new TakingDump.Command("old", db, null, null)))
                .isInstanceOf(ClientTooOldException.class)
                .hasMessageContaining("mariadb-dump 10.3.39 is older than the MariaDB server 10.");
        assertNothingLeftBehind(vault);
    }

    @Test
    void localVault_failedDump_leavesNoFileAtAll(@TempDir Path dir) throws IOException {
        DatabaseTarget db = bigDatabase();
        LocalDirectoryVault local = new LocalDirectoryVault(dir);
        ProgressListener killPgDump = bytes -> ProcessHandle.current()
                .descendants()
                .filter(h -> h.info().command().orElse("").endsWith("pg_dump"))
                .forEach(ProcessHandle::destroyForcibly);

        assertThatThrownBy(() -> Wiring.dumping(local).dump(new TakingDump.Command("big", db, null, killPgDump)))
                .isInstanceOf(DumpFailedException.class);
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile))
                    .as("no dump, no partial file, no manifest")
                    .isEmpty();
        }
    }

    /** Issue 35: a tool whose --version holds no number is bad input (check the installation), not a bug (exit 70). */
    @Test
    void aToolReportingNoVersion_isRefusedNamingIt_notAnInternalError(@TempDir Path bin) throws IOException {
        fakeTool(bin, "pg_dump", "pg_dump (PostgreSQL) development build");
        DatabaseTarget db = pg.newDatabase("unversioned");

        assertThatThrownBy(() -> Wiring.dumping(vault, toolsIn(bin, "LIFEBOAT_PG_BIN"), TakingDump.Settings.DEFAULTS)
                        .dump(new TakingDump.Command("unversioned", db, null, null)))
                .isInstanceOf(dev.lifeboat.core.error.InvalidInputException.class)
                .hasMessageContaining("--version printed no version Lifeboat can read");
        assertNothingLeftBehind(vault);
    }

    /** A stand-in for an old client: answers --version like the real one and does nothing else. */
    private static void fakeTool(Path bin, String name, String version) throws IOException {
        Path tool = bin.resolve(name);
        Files.writeString(tool, "#!/bin/sh\necho '" + version + "'\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static ProcessDumpTools toolsIn(Path bin, String variable) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(variable, bin.toString());
        return new ProcessDumpTools(env);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
