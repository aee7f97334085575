package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.testing.MainProcess;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the Fargate task's entrypoint run as the task runs it, a process of its own (java ... DumpTask), with
 * lifeboat.yml published to S3 and checked against its hash, the database's secret in Secrets Manager, the dump
 * streamed into the vault: against the real PostgreSQL and moto.
 */
@ExtendWith(RealParts.class)
class DumpTaskIT {
    /** moto's Region (MotoServer.REGION). */
    private static final String MOTO_REGION = "eu-west-1";

    private static MainProcess.Ran runTask(Map<String, String> env, Path dir) throws Exception {
        return MainProcess.run("dev.lifeboat.backup.DumpTask", env, dir);
    }

    @Test
    void theTaskDumpsFromItsEnvironment_intoTheVault_withTheDeployedConfiguration(
            PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        DatabaseTarget db = pg.newDatabase("task");
        pg.execute(
                db.database(),
                "CREATE TABLE a AS SELECT g AS id FROM generate_series(1, 5000) g;"
                        + " CREATE TABLE b AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 5000) g");
        String bucket = moto.newBucket(moto.s3(), true);
        String secret = moto.secretsManager()
                .createSecret(b -> b.name("lifeboat/task/" + UUID.randomUUID())
                        .secretString("{\"engine\":\"postgres\",\"host\":\"" + db.host() + "\",\"port\":" + db.port()
                                + ",\"username\":\"" + db.user() + "\",\"password\":\"" + pg.password()
                                + "\",\"dbname\":\"" + db.database() + "\"}"))
                .arn();
        String yaml = """
                backup:
                  account: "222222222222"
                  region: %s
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  big:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: big-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-big}
                    retention: {daily: 7}
                    dump: {secretArn: "%s", runOn: fargate, jobs: 2}
                """.formatted(MOTO_REGION, moto.newKmsKey(), bucket, secret);
        byte[] document = yaml.getBytes(StandardCharsets.UTF_8);
        assertThat(new dev.lifeboat.adapters.s3.S3Vault(
                                moto.s3(),
                                dev.lifeboat.adapters.s3.S3Vault.Settings.of(bucket, "config"),
                                Clock.systemUTC())
                        .putIfAbsent("lifeboat.yml", document))
                .isTrue();
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL", moto.endpoint());
        env.put("AWS_REGION", MOTO_REGION);
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put(DeployedConfig.LOCATION_VARIABLE, "s3://" + bucket + "/config/lifeboat.yml");
        env.put(DeployedConfig.SHA256_VARIABLE, Sha256.hex(document));
        env.put(DumpTask.DATABASES, "big");
        env.put(DumpTask.RUN_ID, "2026-11-26T02:30:00Z");

        MainProcess.Ran ran = runTask(env, dir);

        assertThat(ran.exit()).as(ran.err()).isZero();
        assertThat(ran.out()).contains("\"database\":\"big\"", "\"status\":\"CREATED\"");
        assertThat(ran.err() + ran.out()).doesNotContain(pg.password());
        var config = ConfigLoader.parse(yaml, "task lifeboat.yml");
        List<DumpManifest> backups = new BackupCatalog(
                        BackupHandler.openVault(config, moto.clients(), Clock.systemUTC()), Clock.systemUTC())
                .backups("big");
        assertThat(backups).singleElement().satisfies(m -> {
            assertThat(m.backupId()).isEqualTo("20261126T023000Z");
            assertThat(m.parallel()).as("two tables, two jobs").isTrue();
        });

        // A changed document is refused, naming both hashes; nothing is dumped.
        env.put(DeployedConfig.SHA256_VARIABLE, "0".repeat(64));
        env.put(DumpTask.RUN_ID, "2026-11-27T02:30:00Z");
        MainProcess.Ran refused = runTask(env, dir);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("0".repeat(64), Sha256.hex(document));

        // Started without its databases: says what is missing.
        env.remove(DumpTask.DATABASES);
        MainProcess.Ran bare = runTask(env, dir);
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains(DumpTask.DATABASES);
    }
    /**
     * Issue 36, item 2: the task in eu-west-1 (AWS_REGION, where its stack published lifeboat.yml) dumps into the
     * vault in backup.region eu-central-1, through a front that answers a request signed for the wrong Region with S3's
     * 301 PermanentRedirect and x-amz-bucket-region, as S3 does and moto does not.
     */
    @Test
    void theTaskInEuWest1_dumpsIntoAVaultInEuCentral1_throughAFrontThatRedirectsAsS3Does(
            PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        DatabaseTarget db = pg.newDatabase("task");
        pg.execute(db.database(), "CREATE TABLE a AS SELECT g AS id FROM generate_series(1, 500) g");
        String central = "eu-central-1";
        String assets = moto.newBucket(moto.s3(), false);
        String vaultBucket = moto.newBucketIn(central, true);
        String secret = moto.secretsManager()
                .createSecret(b -> b.name("lifeboat/task/" + UUID.randomUUID())
                        .secretString("{\"engine\":\"postgres\",\"host\":\"" + db.host() + "\",\"port\":"
                                + db.port() + ",\"username\":\"" + db.user() + "\",\"password\":\""
                                + pg.password() + "\",\"dbname\":\"" + db.database() + "\"}"))
                .arn();
        String yaml = """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  orders:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: orders-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-orders}
                    retention: {daily: 7}
                    dump: {secretArn: "%s", runOn: fargate, jobs: 1}
                """.formatted(moto.newKmsKey(central), vaultBucket, secret);
        byte[] document = yaml.getBytes(StandardCharsets.UTF_8);
        assertThat(new dev.lifeboat.adapters.s3.S3Vault(
                                moto.s3(),
                                dev.lifeboat.adapters.s3.S3Vault.Settings.of(assets, "config"),
                                Clock.systemUTC())
                        .putIfAbsent("lifeboat.yml", document))
                .isTrue();
        try (var front = new dev.lifeboat.testing.S3RegionFront(moto.endpoint())) {
            Map<String, String> env = new HashMap<>();
            env.put("AWS_ENDPOINT_URL", front.endpoint());
            env.put("AWS_REGION", MOTO_REGION);
            env.put("AWS_ACCESS_KEY_ID", "testing");
            env.put("AWS_SECRET_ACCESS_KEY", "testing");
            env.put(DeployedConfig.LOCATION_VARIABLE, "s3://" + assets + "/config/lifeboat.yml");
            env.put(DeployedConfig.SHA256_VARIABLE, Sha256.hex(document));
            env.put(DumpTask.DATABASES, "orders");
            env.put(DumpTask.RUN_ID, "2026-11-26T02:30:00Z");

            MainProcess.Ran ran = runTask(env, dir);

            assertThat(ran.exit()).as(ran.err()).isZero();
            assertThat(ran.out()).contains("\"database\":\"orders\"", "\"status\":\"CREATED\"");
            var config = ConfigLoader.parse(yaml, "task lifeboat.yml");
            try (var central1 = MotoServer.clients(moto.endpoint(), central)) {
                assertThat(new BackupCatalog(
                                        BackupHandler.openVault(config, central1, Clock.systemUTC()), Clock.systemUTC())
                                .backups("orders"))
                        .singleElement()
                        .satisfies(m -> assertThat(m.backupId()).isEqualTo("20261126T023000Z"));
            }
        }
    }
}
