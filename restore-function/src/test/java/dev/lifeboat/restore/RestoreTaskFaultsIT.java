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
import dev.lifeboat.testing.MainProcess;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 38: the fault matrix's signals on the restore task's entrypoint (the command line's are FaultMatrixIT's, the
 * dump task's DumpTaskFaultsIT's). {@code RestoreTask} runs as ECS runs it, a process of its own, restoring a parallel
 * PostgreSQL backup into a database it creates, and is stopped with SIGTERM (StopTask) and SIGKILL (the stop's
 * escalation, the out-of-memory killer) early, midway and in the last tenth of its measured run, at the log levels
 * LIFEBOAT_LOG_LEVEL offers (INFO, DEBUG, TRACE). After each: the target is whole (the task had finished), gone (the
 * task removed what it created), or, after SIGKILL only, marked INCOMPLETE (or left empty and unmarked in the one
 * round trip between PostgreSQL's CREATE DATABASE and its note); the exit code is 0, 143 or 137; the output holds no
 * row value and no password.
 */
@ExtendWith(RealParts.class)
class RestoreTaskFaultsIT {
    private static final String MOTO_REGION = "eu-west-1";
    private static final String CANARY = "canary-" + UUID.randomUUID();

    @Test
    void sigtermOrSigkillAnywhere_leavesTheTargetWholeGoneOrMarked(
            PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        DatabaseTarget source = pg.newDatabase("rtfaults");
        pg.execute(
                source.database(),
                "CREATE TABLE a (id int PRIMARY KEY, note text);"
                        + " INSERT INTO a SELECT g, md5(g::text) || md5((g + 1)::text)"
                        + " FROM generate_series(1, 400000) g;"
                        + " INSERT INTO a VALUES (0, '" + CANARY + "');"
                        + " CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id), note text);"
                        + " INSERT INTO b SELECT g, g, md5(g::text) FROM generate_series(1, 200000) g;"
                        + " CREATE INDEX b_note ON b(note);");
        Map<String, String> whole = Fingerprint.of(pg, source.database());
        Map<String, String> empty = Fingerprint.of(pg, pg.newDatabase("rtempty").database());
        String bucket = moto.newBucket(moto.s3(), true);
        String yaml = """
                backup:
                  account: "123456789012"
                  region: %s
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  faults:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: faults-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-faults}
                    retention: {daily: 7}
                """.formatted(MOTO_REGION, moto.newKmsKey(), bucket);
        byte[] document = yaml.getBytes(StandardCharsets.UTF_8);
        assertThat(new S3Vault(moto.s3(), S3Vault.Settings.of(bucket, "config"), Clock.systemUTC())
                        .putIfAbsent("lifeboat.yml", document))
                .isTrue();
        new TakingDump(
                        new S3Vault(moto.s3(), S3Vault.Settings.of(bucket, "lifeboat"), Clock.systemUTC()),
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        Clock.systemUTC(),
                        TakingDump.Settings.DEFAULTS.withJobs(2))
                .dump(new TakingDump.Command("faults", source, null, null));
        String secret = moto.secretsManager()
                .createSecret(b -> b.name("lifeboat/restore-target/" + UUID.randomUUID())
                        .secretString("{\"engine\":\"postgres\",\"host\":\"" + pg.host() + "\",\"port\":" + pg.port()
                                + ",\"username\":\"" + pg.user() + "\",\"password\":\"" + pg.password()
                                + "\",\"dbname\":\"postgres\"}"))
                .arn();
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL", moto.endpoint());
        env.put("AWS_REGION", MOTO_REGION);
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put(DeployedConfig.LOCATION_VARIABLE, "s3://" + bucket + "/config/lifeboat.yml");
        env.put(DeployedConfig.SHA256_VARIABLE, Sha256.hex(document));

        // The run's length, unfaulted, and what it restores.
        String plainTarget = PostgresServer.uniqueName("rtplain");
        env.put(RestoreTask.RESTORE, payload(secret, plainTarget));
        long t0 = System.nanoTime();
        MainProcess.Ran plain = MainProcess.run("dev.lifeboat.restore.RestoreTask", env, dir);
        Duration length = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(Fingerprint.of(pg, plainTarget)).isEqualTo(whole);

        List<String> outcomes = new ArrayList<>();
        String[] levels = {"INFO", "DEBUG", "TRACE"};
        for (String signal : List.of("TERM", "KILL")) {
            for (double at : new double[] {0.15, 0.5, 0.9}) {
                String level = levels[outcomes.size() % levels.length];
                String target = PostgresServer.uniqueName("rtfault");
                env.put(RestoreTask.RESTORE, payload(secret, target));
                env.put("LIFEBOAT_LOG_LEVEL", level);
                Process p = MainProcess.start("dev.lifeboat.restore.RestoreTask", env, dir);
                boolean signalled = false;
                if (!p.waitFor((long) (length.toMillis() * at), TimeUnit.MILLISECONDS)) {
                    new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid()))
                            .start()
                            .waitFor();
                    signalled = true;
                }
                assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
                String output = Files.readString(dir.resolve("out")) + Files.readString(dir.resolve("err"));
                String what = "SIG" + signal + "@" + Math.round(at * 100) + "% " + level;
                assertThat(output)
                        .as("no row value and no password at " + level)
                        .doesNotContain(CANARY)
                        .doesNotContain(pg.password());
                int expected = signal.equals("TERM") ? 143 : 137;
                assertThat(p.exitValue()).as(what + "\n" + output).isIn(0, expected);
                awaitNoSessions(pg, target);

                String outcome;
                boolean exists = new JdbcInspector().databaseExists(pg.target(target));
                if (!exists) {
                    assertThat(p.exitValue()).as(what).isNotZero();
                    outcome = "gone";
                } else {
                    Optional<String> note = new JdbcInspector().restoreNote(pg.target(target));
                    Map<String, String> after = Fingerprint.of(pg, target);
                    if (note.isPresent() && note.get().startsWith("lifeboat: INCOMPLETE")) {
                        assertThat(signal)
                                .as(what + ": only SIGKILL leaves a created database")
                                .isEqualTo("KILL");
                        outcome = "marked INCOMPLETE";
                    } else if (signal.equals("KILL") && note.isEmpty() && after.equals(empty)) {
                        outcome = "empty and unmarked (killed between CREATE DATABASE and its note)";
                    } else {
                        assertThat(after).as(what + ": whole\n" + output).isEqualTo(whole);
                        outcome = "whole";
                    }
                    pg.execute("postgres", "DROP DATABASE \"" + target + "\" WITH (FORCE)");
                }
                if (p.exitValue() == 0) {
                    assertThat(outcome).as(what).isEqualTo("whole");
                }
                if (signal.equals("TERM") && p.exitValue() == 143) {
                    assertThat(outcome)
                            .as(what + ": SIGTERM cleans up\n" + output)
                            .isEqualTo("gone");
                    assertThat(output).contains("lifeboat: told to stop");
                }
                outcomes.add(
                        what + ": exit " + p.exitValue() + ", " + outcome + (signalled ? "" : " (finished first)"));
            }
        }
        System.out.println("RestoreTask under signals: " + outcomes);
        assertThat(outcomes).hasSize(6);
    }

    private static String payload(String secret, String target) {
        return "{\"database\": \"faults\", \"from\": \"dump\", \"targetSecretArn\": \"" + secret
                + "\", \"targetDatabase\": \"" + target + "\", \"create\": true}";
    }

    /** An orphaned pg_restore reads the end of its input and leaves; the target is judged after. */
    private static void awaitNoSessions(PostgresServer pg, String database) throws Exception {
        for (int i = 0; i < 600; i++) {
            try (var c = pg.connect("postgres");
                    var q = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
                q.setString(1, database);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
    }
}
