package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MainProcess;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the backup account's Fargate task run as the task runs it, a process of its own (java ... RestoreTask),
 * with lifeboat.yml published to S3 and checked against its hash: a dump restore from its payload, compared table by
 * table, and a verification step reported to Step Functions with its task token; against the real PostgreSQL and moto.
 */
@ExtendWith(RealParts.class)
class RestoreTaskIT {
    private static final String MOTO_REGION = "eu-west-1";

    private static MainProcess.Ran runTask(Map<String, String> env, Path dir) throws Exception {
        return MainProcess.run("dev.lifeboat.restore.RestoreTask", env, dir);
    }

    @Test
    void theTaskRestoresADumpFromItsPayload_andReportsAVerificationStepWithItsToken(
            PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        String bucket = moto.newBucket(moto.s3(), true);
        String yaml = """
                backup:
                  account: "123456789012"
                  region: %s
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  orders:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: orders-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-orders}
                    retention: {daily: 7}
                """.formatted(MOTO_REGION, moto.newKmsKey(), bucket);
        Map<String, String> env = deployed(moto, bucket, yaml);
        DatabaseTarget source = pg.newDatabase("tasksrc");
        Fixtures.loadTricky(pg, source.database());
        new TakingDump(
                        new S3Vault(moto.s3(), S3Vault.Settings.of(bucket, "lifeboat"), Clock.systemUTC()),
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        Clock.systemUTC(),
                        TakingDump.Settings.DEFAULTS.withJobs(2))
                .dump(new TakingDump.Command("orders", source, null, null));
        String secret = targetSecret(pg, moto);
        String target = PostgresServer.uniqueName("taskrestored");
        env.put(
                RestoreTask.RESTORE,
                "{\"database\": \"orders\", \"from\": \"dump\", \"targetSecretArn\": \"" + secret
                        + "\", \"targetDatabase\": \"" + target + "\", \"create\": true}");

        MainProcess.Ran restored = runTask(env, dir);

        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("\"status\":\"AVAILABLE\"", "sha256 verified");
        assertThat(Fingerprint.of(pg, target)).isEqualTo(Fingerprint.of(pg, source.database()));
        assertThat(restored.out() + restored.err()).doesNotContain(pg.password());

        // A verification step: the cleanup of a run whose instance is gone already; its next state goes to Step
        // Functions (moto's SendTaskSuccess) and to the log.
        env.remove(RestoreTask.RESTORE);
        env.put(
                RestoreTask.STEP,
                "{\"action\": \"cleanup\", \"database\": \"orders\", \"run\": {\"databaseId\": \"orders\","
                        + " \"instance\": \"lifeboat-verify-orders-20261126t030000z\","
                        + " \"startedAt\": \"2026-11-26T03:00:00Z\"}, \"error\": \"the check failed\"}");
        env.put(RestoreTask.TASK_TOKEN, "AAAAKgAAAAIAAAAAAAAAA" + UUID.randomUUID());

        MainProcess.Ran stepped = runTask(env, dir);

        assertThat(stepped.exit()).as(stepped.err()).isZero();
        assertThat(stepped.out()).contains("\"action\":\"finish\"", "\"cleaned\":true", "the check failed");
    }

    /**
     * StopTask mid-restore (ECS sends SIGTERM): the task stops pg_restore, removes the database it created, says so, and
     * exits 143, instead of dying at once and leaving a half-restored database that the retry then calls taken.
     */
    @Test
    void sigtermMidRestore_removesTheDatabaseItCreated_andExits143(
            PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        String bucket = moto.newBucket(moto.s3(), true);
        String yaml = """
                backup:
                  account: "123456789012"
                  region: %s
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  big:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: big-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-big}
                    retention: {daily: 7}
                """.formatted(MOTO_REGION, moto.newKmsKey(), bucket);
        Map<String, String> env = deployed(moto, bucket, yaml);
        DatabaseTarget source = pg.newDatabase("sigsrc");
        pg.execute(
                source.database(),
                "CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS note"
                        + " FROM generate_series(1, 3000000) g");
        new TakingDump(
                        new S3Vault(moto.s3(), S3Vault.Settings.of(bucket, "lifeboat"), Clock.systemUTC()),
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        Clock.systemUTC(),
                        TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command("big", source, null, null));
        String secret = targetSecret(pg, moto);
        String target = PostgresServer.uniqueName("sigtask");
        env.put(
                RestoreTask.RESTORE,
                "{\"database\": \"big\", \"from\": \"dump\", \"targetSecretArn\": \"" + secret
                        + "\", \"targetDatabase\": \"" + target + "\", \"create\": true}");

        Process p = MainProcess.start("dev.lifeboat.restore.RestoreTask", env, dir);
        // pg_restore is loading once it holds a session on the new database (nothing else connects to it).
        for (int i = 0; i < 2400 && sessions(pg, target) == 0 && p.isAlive(); i++) {
            Thread.sleep(25);
        }
        assertThat(sessions(pg, target)).as("the restore got under way").isPositive();
        p.destroy(); // SIGTERM, as ECS's StopTask sends

        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(143);
        assertThat(err).contains("told to stop").contains("which this restore created, was removed");
        assertThat(Files.readString(dir.resolve("out"), StandardCharsets.UTF_8))
                .as("the structured log of the cleanup outlives the signal (log4j's own hook used to stop it first)")
                .contains("removed database '" + target + "'");
        try (var c = pg.connect("postgres");
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + target + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the database the task created").isZero();
        }
    }

    private static int sessions(PostgresServer pg, String database) throws Exception {
        try (var c = pg.connect("postgres");
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * lifeboat.yml published as the CDK app publishes it, and the task's environment as its task definition gives
     * it: moto's endpoint and Region, the document's location and hash.
     */
    private static Map<String, String> deployed(MotoServer moto, String bucket, String yaml) {
        byte[] document = yaml.getBytes(StandardCharsets.UTF_8);
        assertThat(new S3Vault(moto.s3(), S3Vault.Settings.of(bucket, "config"), Clock.systemUTC())
                        .putIfAbsent("lifeboat.yml", document))
                .isTrue();
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL", moto.endpoint());
        env.put("AWS_REGION", MOTO_REGION);
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put(DeployedConfig.LOCATION_VARIABLE, "s3://" + bucket + "/config/lifeboat.yml");
        env.put(DeployedConfig.SHA256_VARIABLE, Sha256.hex(document));
        return env;
    }

    /** The restore target's login, in Secrets Manager as an RDS secret: the local server's postgres database. */
    private static String targetSecret(PostgresServer pg, MotoServer moto) {
        return moto.secretsManager()
                .createSecret(b -> b.name("lifeboat/restore-target/" + UUID.randomUUID())
                        .secretString("{\"engine\":\"postgres\",\"host\":\"" + pg.host() + "\",\"port\":" + pg.port()
                                + ",\"username\":\"" + pg.user() + "\",\"password\":\"" + pg.password()
                                + "\",\"dbname\":\"postgres\"}"))
                .arn();
    }
}
