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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 38: the fault matrix's signals on the Fargate task's entrypoint (the command line's are FaultMatrixIT's).
 * {@code DumpTask} runs as ECS runs it, a process of its own, and is stopped with SIGTERM (ECS's StopTask, a
 * deployment) and SIGKILL (the stop's escalation, the out-of-memory killer) early, midway and in the last tenth of
 * its measured run. After each: the vault holds the run's backup whole (every byte of its object matches the
 * manifest's size and SHA-256) or nothing of it, no multipart upload is left open after SIGTERM, the exit code is
 * 143/137 or 0 for a run that had finished, and the output holds no password.
 */
@ExtendWith(RealParts.class)
class DumpTaskFaultsIT {
    private static final String MOTO_REGION = "eu-west-1";

    @Test
    void sigtermOrSigkillAnywhere_leavesAWholeBackupOrNothing(PostgresServer pg, MotoServer moto, @TempDir Path dir)
            throws Exception {
        DatabaseTarget db = pg.newDatabase("taskfaults");
        pg.execute(
                db.database(),
                "CREATE TABLE a AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS note"
                        + " FROM generate_series(1, 600000) g");
        String bucket = moto.newBucket(moto.s3(), true);
        String secret = moto.secretsManager()
                .createSecret(b -> b.name("lifeboat/taskfaults/" + UUID.randomUUID())
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
                  faults:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: faults-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-faults}
                    retention: {daily: 7}
                    dump: {secretArn: "%s", runOn: fargate}
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
        env.put(DumpTask.DATABASES, "faults");
        var config = ConfigLoader.parse(yaml, "task lifeboat.yml");

        // The run's length, unfaulted.
        env.put(DumpTask.RUN_ID, "2026-11-01T02:30:00Z");
        long t0 = System.nanoTime();
        MainProcess.Ran plain = MainProcess.run("dev.lifeboat.backup.DumpTask", env, dir);
        Duration length = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(plain.exit()).as(plain.err()).isZero();

        List<String> outcomes = new ArrayList<>();
        int day = 2;
        for (String signal : List.of("TERM", "KILL")) {
            for (double at : new double[] {0.15, 0.5, 0.9}) {
                String run = String.format("2026-11-%02dT02:30:00Z", day++);
                env.put(DumpTask.RUN_ID, run);
                Process p = MainProcess.start("dev.lifeboat.backup.DumpTask", env, dir);
                boolean signalled = false;
                if (!p.waitFor((long) (length.toMillis() * at), TimeUnit.MILLISECONDS)) {
                    new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid()))
                            .start()
                            .waitFor();
                    signalled = true;
                }
                assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
                String output = Files.readString(dir.resolve("out")) + Files.readString(dir.resolve("err"));
                assertThat(output).doesNotContain(pg.password());
                int expected = signal.equals("TERM") ? 143 : 137;
                assertThat(p.exitValue()).as(output).isIn(0, expected);

                String id = run.replaceAll("[-:]", "");
                var vault = BackupHandler.openVault(config, moto.clients(), Clock.systemUTC());
                List<DumpManifest> made = new BackupCatalog(vault, Clock.systemUTC())
                        .backups("faults").stream()
                                .filter(m -> m.backupId().equals(id))
                                .toList();
                if (p.exitValue() == 0) {
                    assertThat(made)
                            .as("a run that exits 0 recorded its backup")
                            .hasSize(1);
                }
                for (DumpManifest m : made) {
                    assertWhole(vault, m);
                }
                if (signal.equals("TERM") && p.exitValue() == expected) {
                    assertThat(output).contains("lifeboat: told to stop");
                    // Midway and later the upload was under way (early, it may not have begun); a signal after the
                    // manifest finds nothing to abort.
                    if (at >= 0.5 && made.isEmpty()) {
                        assertThat(Files.readString(dir.resolve("out")))
                                .as("the structured log of the cleanup outlives the signal")
                                .contains("aborted the upload");
                    }
                    try (S3Client s3 = moto.s3()) {
                        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket))
                                        .uploads())
                                .as("SIGTERM: the task aborted its upload")
                                .isEmpty();
                    }
                }
                outcomes.add("SIG" + signal + "@" + Math.round(at * 100) + "%: exit " + p.exitValue() + ", "
                        + (made.isEmpty() ? "nothing new" : "a whole backup") + (signalled ? "" : " (finished first)"));
            }
        }
        System.out.println("DumpTask under signals: " + outcomes);
        assertThat(outcomes).hasSize(6);
    }

    /** Every byte of the backup's object is there: its size and SHA-256 are the manifest's. */
    private static void assertWhole(dev.lifeboat.core.port.Vault vault, DumpManifest m) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (java.io.InputStream in = vault.open(m.objectKey(), m.objectVersionId())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                size += n;
            }
        }
        assertThat(size).isEqualTo(m.sizeBytes());
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(m.sha256());
    }
}
