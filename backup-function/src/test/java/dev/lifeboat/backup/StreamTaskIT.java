package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.changes.ChangeArchive;
import dev.lifeboat.core.changes.ChangeSegment;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.testing.MainProcess;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 40 and 41: the deployed streamer's entrypoint run as its ECS service runs it, a process of its own (java ...
 * StreamTask), with lifeboat.yml published to S3 and the database's secret in Secrets Manager: against the real
 * PostgreSQL (wal_level=logical, wal2json) and moto. Its changes land in the source account's space of the vault, its
 * metrics come out every report as embedded metric format, and ECS's SIGTERM stops it with what it read archived.
 */
@ExtendWith(RealParts.class)
class StreamTaskIT {
    private static final String MOTO_REGION = "eu-west-1";

    @Test
    void theTaskArchivesItsDatabasesChanges_intoItsAccountsSpace_reportsItsLag_andStopsOnSigterm(
            PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        DatabaseTarget db = pg.newDatabase("streamtask");
        String id = "st" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        pg.execute(db.database(), "CREATE TABLE orders (id int PRIMARY KEY, note text)");
        Deployed deployed = deploy(pg, moto, db, id);
        Map<String, String> env = deployed.env();
        String bucket = deployed.bucket();
        String yaml = deployed.yaml();
        var config = ConfigLoader.parse(yaml, "task lifeboat.yml");
        ChangeArchive archive = new ChangeArchive(BackupHandler.openVault(config, moto.clients(), Clock.systemUTC()));

        Process task = MainProcess.start("dev.lifeboat.backup.StreamTask", env, dir);
        try {
            // The slot is made when the task starts: what commits after it is archived.
            await(() -> slots(pg, id) == 1, task, dir);
            for (int t = 0; t < 3; t++) {
                pg.execute(
                        db.database(),
                        "INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(" + (t * 100 + 1) + ", "
                                + (t * 100 + 100) + ") g");
            }
            await(
                    () -> archive.segments(id).stream()
                                    .mapToLong(ChangeSegment::changes)
                                    .sum()
                            >= 300,
                    task,
                    dir);
            await(
                    () -> out(dir).contains(dev.lifeboat.protocol.MetricNames.CHANGE_ARCHIVE_LAG_SECONDS)
                            && out(dir).contains(dev.lifeboat.protocol.MetricNames.CHANGE_SLOT_RETAINED_BYTES),
                    task,
                    dir);
        } finally {
            task.destroy();
            assertThat(task.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try {
            String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
            assertThat(task.exitValue()).as(err).isEqualTo(143);
            assertThat(err).contains("told to stop").doesNotContain(pg.password());
            List<ChangeSegment> segments = archive.segments(id);
            assertThat(segments.stream().mapToLong(ChangeSegment::changes).sum())
                    .isEqualTo(300);
            assertThat(ChangeArchive.chainFrom(segments, segments.getFirst().start()))
                    .hasSameSizeAs(segments);
            // In the source account's space, where the bucket policy lets that account's streamer write.
            assertThat(moto.s3()
                            .listObjectsV2(b -> b.bucket(bucket).prefix("lifeboat/"))
                            .contents())
                    .filteredOn(o -> o.key().contains("/changes/"))
                    .isNotEmpty()
                    .allMatch(o -> o.key().startsWith("lifeboat/accounts/111111111111/changes/" + id + "/"));
            // The metrics: one EMF document per metric, in the Lifeboat namespace, with the database as dimension.
            String emf = out(dir).lines()
                    .filter(l -> l.contains(dev.lifeboat.protocol.MetricNames.CHANGE_ARCHIVE_LAG_SECONDS))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(emf);
            assertThat(node.path("_aws")
                            .path("CloudWatchMetrics")
                            .get(0)
                            .path("Namespace")
                            .asText())
                    .isEqualTo(dev.lifeboat.protocol.MetricNames.NAMESPACE);
            assertThat(node.path("Database").asText()).isEqualTo(id);
            assertThat(node.path(dev.lifeboat.protocol.MetricNames.CHANGE_ARCHIVE_LAG_SECONDS)
                            .asDouble())
                    .as("caught up: the archive holds every commit")
                    .isLessThan(30);
        } finally {
            pg.execute("postgres", "SELECT pg_drop_replication_slot('" + slot(id) + "')");
        }
    }

    /**
     * Refused (here: a slot under Lifeboat's name that another tool made), the task says why and stays up asking again,
     * reporting no lag, so the silent alarm speaks and ECS does not restart it for ever; SIGTERM still stops it.
     */
    @Test
    void aRefusedStream_keepsTheTaskUp_sayingWhy_untilStopped(PostgresServer pg, MotoServer moto, @TempDir Path dir)
            throws Exception {
        DatabaseTarget db = pg.newDatabase("streamrefused");
        String id = "st" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        pg.execute(db.database(), "SELECT pg_create_logical_replication_slot('" + slot(id) + "', 'test_decoding')");
        Map<String, String> env = deploy(pg, moto, db, id).env();
        Process task = MainProcess.start("dev.lifeboat.backup.StreamTask", env, dir);
        try {
            await(() -> err(dir).contains("is not Lifeboat's") && err(dir).contains("trying again in 60 s"), task, dir);
            Thread.sleep(2_000);
            assertThat(task.isAlive()).as(err(dir)).isTrue();
        } finally {
            task.destroy();
            assertThat(task.waitFor(60, TimeUnit.SECONDS)).isTrue();
            pg.execute("postgres", "SELECT pg_drop_replication_slot('" + slot(id) + "')");
        }
        assertThat(task.exitValue()).isEqualTo(143);
        assertThat(out(dir))
                .as("no lag reported while refused")
                .doesNotContain(dev.lifeboat.protocol.MetricNames.CHANGE_ARCHIVE_LAG_SECONDS);
        assertThat(err(dir)).doesNotContain(pg.password());
    }

    private static String err(Path dir) {
        try {
            return Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * Helper-12's find: after the secret rotated, the task tried the old password for ever. A refused login is
     * refused at once, and the task reads its secret anew each minute: once the secret holds the right password, it
     * archives. (The wait here is the task's minute; the test waits for it.)
     */
    @Test
    void aRefusedLogin_isTriedAgainWithTheSecretAsItIsNow(PostgresServer pg, MotoServer moto, @TempDir Path dir)
            throws Exception {
        DatabaseTarget db = pg.newDatabase("streamrotate");
        String id = "st" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Deployed deployed = deploy(pg, moto, db, id);
        String secretArn = moto.secretsManager().listSecrets().secretList().stream()
                .filter(x -> deployed.yaml().contains(x.arn()))
                .findFirst()
                .orElseThrow()
                .arn();
        String right =
                moto.secretsManager().getSecretValue(b -> b.secretId(secretArn)).secretString();
        moto.secretsManager()
                .putSecretValue(
                        b -> b.secretId(secretArn).secretString(right.replace(pg.password(), "not-the-password")));
        Process task = MainProcess.start("dev.lifeboat.backup.StreamTask", deployed.env(), dir);
        try {
            await(
                    () -> err(dir).contains("password authentication failed") && err(dir).contains("trying again in"),
                    task,
                    dir);
            assertThat(slots(pg, id)).as("no slot made with a refused login").isZero();
            moto.secretsManager().putSecretValue(b -> b.secretId(secretArn).secretString(right));
            awaitLonger(() -> slots(pg, id) == 1, task, dir);
        } finally {
            task.destroy();
            assertThat(task.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (slots(pg, id) == 1) {
                pg.execute("postgres", "SELECT pg_drop_replication_slot('" + slot(id) + "')");
            }
        }
        assertThat(err(dir)).doesNotContain(pg.password()).doesNotContain("not-the-password");
    }

    private static void awaitLonger(java.util.function.BooleanSupplier done, Process task, Path dir) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!done.getAsBoolean()) {
            if (!task.isAlive() || System.nanoTime() > until) {
                throw new AssertionError("not within 150 s; the task's log: " + err(dir));
            }
            Thread.sleep(500);
        }
    }

    /** What the CDK app deploys for a streamed database: lifeboat.yml published to S3, its secret, the environment. */
    private record Deployed(Map<String, String> env, String bucket, String yaml) {}

    private static Deployed deploy(PostgresServer pg, MotoServer moto, DatabaseTarget db, String id) {
        String bucket = moto.newBucket(moto.s3(), true);
        String secret = moto.secretsManager()
                .createSecret(b -> b.name("lifeboat/stream/" + UUID.randomUUID())
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
                  %s:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: shop-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-shop}
                    retention: {daily: 7}
                    dump: {secretArn: "%s", vpcId: vpc-0a1b2c3d4e5f60718, subnetIds: [subnet-0a1b2c3d4e5f60718],
                           egress: nat, stream: true}
                """.formatted(MOTO_REGION, moto.newKmsKey(), bucket, id, secret);
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
        env.put(StreamTask.DATABASE, id);
        env.put(StreamTask.REPORT_SECONDS, "1");
        // As FargateTasks sets it for every task (the child would otherwise inherit failsafe's).
        env.put("AWS_EMF_ENVIRONMENT", dev.lifeboat.protocol.MetricNames.EMF_ENVIRONMENT_OF_TASKS);
        return new Deployed(env, bucket, yaml);
    }

    private static long slots(PostgresServer pg, String id) {
        try (var c = pg.connect("postgres");
                var p = c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
            p.setString(1, slot(id));
            try (var rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String slot(String id) {
        return "lifeboat_" + id.toLowerCase(Locale.ROOT);
    }

    private static String out(Path dir) {
        try {
            return Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void await(java.util.function.BooleanSupplier done, Process task, Path dir) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!done.getAsBoolean()) {
            if (!task.isAlive()) {
                throw new AssertionError("the task ended (" + task.exitValue() + "): "
                        + Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 90 s; the task's log: "
                        + Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
            }
            Thread.sleep(200);
        }
    }
}
