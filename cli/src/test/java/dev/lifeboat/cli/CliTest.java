package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument errors: exit code 2, a message naming the argument, and nothing written. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path home, String... args) {
        Context c = new Context(
                Map.of(),
                home,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                false);
        return Lifeboat.run(c, args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingVault_isAUsageError_namingTheOption(@TempDir Path home) {
        assertThat(run(home, "dump", "--source", "postgresql://u@h/db")).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("Missing required option: '--vault=URI'");
    }

    @Test
    void sourceAndSecretTogether_areRefused(@TempDir Path home) {
        assertThat(run(
                        home,
                        "dump",
                        "--source",
                        "postgresql://u@h/db",
                        "--secret-id",
                        "x",
                        "--vault",
                        home.resolve("v").toString()))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("give --source URL or --secret-id ID (one of them)");
        assertThat(home.resolve("v")).doesNotExist();
    }

    @Test
    void passwordInTheUrl_isRefused_withoutEchoingIt(@TempDir Path home) {
        assertThat(run(
                        home,
                        "restore",
                        "--from",
                        "dump",
                        "--vault",
                        "file:" + home,
                        "--database",
                        "x",
                        "--target",
                        "postgresql://u:hunter2@h/db"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--target contains a password").doesNotContain("hunter2");
    }

    @Test
    void unknownObjectLockMode_isNamed(@TempDir Path home) {
        assertThat(run(
                        home,
                        "dump",
                        "--source",
                        "postgresql://u@127.0.0.1:1/db",
                        "--vault",
                        "s3://bucket/p",
                        "--object-lock-mode",
                        "forever",
                        "--object-lock-days",
                        "3"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--object-lock-mode 'forever' is not COMPLIANCE or GOVERNANCE");
    }

    @Test
    void unknownVaultScheme_isNamed(@TempDir Path home) {
        assertThat(run(home, "list", "--vault", "gs://bucket")).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--vault: 'gs://bucket' has an unknown scheme");
    }

    @Test
    void restoringFromAnEmptyVault_saysSo_andExits2(@TempDir Path home) {
        assertThat(run(
                        home,
                        "restore",
                        "--from",
                        "dump",
                        "--vault",
                        "file:" + home.resolve("empty"),
                        "--database",
                        "orders",
                        "--target",
                        "postgresql://u@127.0.0.1:1/db",
                        "--create"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("no backups of database 'orders'").contains("what to do:");
    }

    /** Issue 13: no jobs is no dump and no restore; refused by name before anything is read or written. */
    @Test
    void jobsZero_isRefused_namingTheOption_inDumpAndRestore(@TempDir Path home) {
        assertThat(run(
                        home,
                        "dump",
                        "--source",
                        "postgresql://u@127.0.0.1:1/db",
                        "--vault",
                        "file:" + home.resolve("vault"),
                        "--jobs",
                        "0"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--jobs must be at least 1");
        assertThat(home.resolve("vault")).doesNotExist();
        assertThat(run(
                        home,
                        "restore",
                        "--from",
                        "dump",
                        "--vault",
                        "file:" + home.resolve("empty"),
                        "--database",
                        "orders",
                        "--target",
                        "postgresql://u@127.0.0.1:1/db",
                        "--create",
                        "--jobs",
                        "0"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("give --jobs 1 or more");
    }

    @Test
    void version_namesTheVersionTheCommitTheBuildDateAndTheRuntime(@TempDir Path home) {
        assertThat(run(home, "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .containsPattern(
                        "^lifeboat \\d+\\.\\d+\\.\\d+\\S* \\(commit [0-9a-f]{40}[^,]*, built \\d{4}-\\d\\d-\\d\\dT")
                .contains("runtime: Java " + Runtime.version())
                .doesNotContain("development build");
    }

    @Test
    void helpListsTheExitCodes(@TempDir Path home) {
        assertThat(run(home, "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).replaceAll(" +", " "))
                .contains("Exit codes:")
                .contains(" 4 the backup failed its checksum")
                .contains(" 130 stopped by SIGINT (Ctrl-C), after cleaning up")
                .contains(" 143 stopped by SIGTERM, after cleaning up");
    }

    /** One name for one concept: --database everywhere; the old names are refused with the new one, and run nothing. */
    @Test
    void theRenamedIdOption_isRefusedNamingDatabase_inDumpAndList(@TempDir Path home) {
        assertThat(run(
                        home,
                        "dump",
                        "--source",
                        "postgresql://u@127.0.0.1:1/db",
                        "--vault",
                        "file:" + home.resolve("v"),
                        "--id",
                        "orders"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--id was renamed: use --database");
        assertThat(home.resolve("v")).doesNotExist();

        err.reset();
        assertThat(run(home, "list", "--vault", "file:" + home, "--id", "orders"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--id was renamed: use --database");
    }

    @Test
    void restoreDump_isRefusedNamingRestoreFromDump_andLoadsNothing(@TempDir Path home) {
        assertThat(run(
                        home,
                        "restore-dump",
                        "--vault",
                        "file:" + home,
                        "--id",
                        "orders",
                        "--target",
                        "postgresql://u@127.0.0.1:1/db",
                        "--create"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err())
                .contains("restore-dump was renamed: use lifeboat restore --from dump --vault URI --database ID");
    }

    @Test
    void restoreFromDump_withoutVaultOrConfig_namesBoth(@TempDir Path home) {
        assertThat(run(
                        home,
                        "restore",
                        "--from",
                        "dump",
                        "--database",
                        "orders",
                        "--target",
                        "postgresql://u@127.0.0.1:1/db"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--from dump needs --vault URI or --config FILE");
    }

    @Test
    void restoreFromSnapshot_withoutConfig_namesIt(@TempDir Path home) {
        assertThat(run(home, "restore", "--from", "snapshot", "--database", "orders", "--target-instance", "x"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("--from snapshot needs --config FILE");
    }

    /** An AWS call with no answer is a failure with its cause and what to check (exit 1), not an internal error. */
    @Test
    void anUnreachableAwsEndpoint_exits1_sayingWhatToCheck_withoutAStackTrace(@TempDir Path home) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path config = home.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup: {account: "222222222222", region: eu-central-1, kmsKeyArn: "arn:aws:kms:eu-central-1:222222222222:key/k"}
                databases:
                  orders:
                    engine: postgres
                    source: {account: "222222222222", region: eu-west-1, instance: orders-prod,
                             roleArn: "arn:aws:iam::222222222222:role/r", externalId: lifeboat}
                    retention: {daily: 7}
                """);
        Context c = new Context(
                Map.of(
                        "AWS_ENDPOINT_URL",
                        "http://127.0.0.1:" + closed,
                        "AWS_REGION",
                        "eu-central-1",
                        "AWS_ACCESS_KEY_ID",
                        "testing",
                        "AWS_SECRET_ACCESS_KEY",
                        "testing"),
                home,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                false);

        assertThat(Lifeboat.run(c, "prune", "--config", config.toString(), "--dry-run"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(err())
                .contains("got no answer")
                .contains("what to do: check the network path")
                .doesNotContain("\tat ");
    }

    /** Regression (issue 10, item 6): lifeboat alone exited 70 with a stack trace. */
    @Test
    void lifeboatAlone_printsUsage_andExits2(@TempDir Path home) {
        assertThat(run(home)).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains("Usage: lifeboat").contains("restore").doesNotContain("Exception");
    }

    /** Issue 43, item 5: the hook failed open on input it did not expect; now it blocks, saying what it got. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "{\"tool_input\":{\"command\":\"terraform destroy\"}",
                "{\"command\":\"terraform destroy\"}",
                "[\"terraform destroy\"]",
                "{\"tool_input\":{\"cmd\":\"terraform destroy\"}}",
            })
    void theHook_blocksInputThatIsNotTheExpectedJson_withExit2(String input) {
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").input(input);
        assertThat(cli.run("guard", "--hook", "--config", "/nonexistent/lifeboat.yml"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("lifeboat guard: blocked: the hook's").contains("tool_input");
    }

    /** An ordinary command passes without lifeboat.yml being read: nothing in it could destroy a database. */
    @Test
    void theHook_letsAnOrdinaryCommandThrough_withoutReadingTheConfig() {
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .input("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls -la && git status\"}}");
        assertThat(cli.run("guard", "--hook", "--config", "/nonexistent/lifeboat.yml"))
                .as(cli.err())
                .isEqualTo(ExitCode.OK);
        InProcessLifeboat unreadable =
                new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").input("T=$(cat tool.txt); $T destroy");
        assertThat(unreadable.run("guard", "--hook", "--config", "/nonexistent/lifeboat.yml"))
                .isNotEqualTo(ExitCode.OK);
    }

    /** A lifeboat.yml with one database, orders-prod in 111111111111/eu-west-1, for the guard's tests. */
    private static Path guardConfig(Path dir) throws IOException {
        Path config = dir.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                  vaultRetentionDays: 1098
                databases:
                  orders:
                    engine: postgres
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: orders-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-orders
                    retention: {daily: 7}
                """);
        return config;
    }

    /**
     * A plan the guard cannot read whole is bad input (exit 2), never a crash (70) and never "allowed"; an update that
     * turns deletion protection off is refused (3) without a fresh backup (issue 43, item 5).
     */
    @Test
    void aBinaryOrMalformedPlan_isBadInput_andAnUpdateTurningOffProtection_isRefused(@TempDir Path dir)
            throws IOException {
        Path config = guardConfig(dir);
        Path binary = dir.resolve("plan.out");
        Files.write(binary, new byte[] {'P', 'K', 3, 4, 0, (byte) 0xc3, (byte) 0x28, 0});
        Path stringActions = dir.resolve("actions.json");
        Files.writeString(stringActions, """
                {"format_version": "1.2", "resource_changes": [{"address": "aws_db_instance.orders",
                 "type": "aws_db_instance", "change": {"actions": "delete", "before": {"identifier": "orders-prod"}}}]}
                """);
        Path weakening = dir.resolve("weaken.json");
        Files.writeString(weakening, """
                {"format_version": "1.2", "resource_changes": [{"address": "aws_db_instance.orders", "mode": "managed",
                 "type": "aws_db_instance", "change": {"actions": ["update"],
                 "before": {"identifier": "orders-prod", "deletion_protection": true, "backup_retention_period": 7,
                            "arn": "arn:aws:rds:eu-west-1:111111111111:db:orders-prod"},
                 "after": {"identifier": "orders-prod", "deletion_protection": false, "backup_retention_period": 0,
                           "arn": "arn:aws:rds:eu-west-1:111111111111:db:orders-prod"}}}]}
                """);
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1");
        String[] base = {"guard", "--config", config.toString(), "--vault", "file:" + dir.resolve("v"), "--no-snapshots"
        };

        assertThat(cli.run(with(base, "--plan", binary.toString())))
                .as(cli.err())
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("plan.out is not text").contains("terraform show -json");
        assertThat(cli.run(with(base, "--plan", stringActions.toString())))
                .as(cli.err())
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("change.actions is STRING, not a list");
        assertThat(cli.run(with(base, "--plan", weakening.toString())))
                .as(cli.out())
                .isEqualTo(ExitCode.REFUSED);
        assertThat(cli.out())
                .contains("REFUSED aws_db_instance.orders (orders-prod)")
                .contains("sets deletion_protection = false")
                .contains("backup_retention_period = 0");
    }

    /**
     * Issue 43: a Pulumi preview and a CloudFormation change set that delete a protected database are refused without a
     * fresh backup, as a Terraform plan is; a document that is none of the three is bad input.
     */
    @Test
    void aPulumiPreviewOrACloudFormationChangeSetThatDeletesADatabase_isRefusedWithoutAFreshBackup(@TempDir Path dir)
            throws IOException {
        Path config = guardConfig(dir);
        Path preview = dir.resolve("preview.json");
        Files.writeString(preview, """
                {"steps": [{"op": "delete", "urn": "urn:pulumi:prod::shop::aws:rds/instance:Instance::orders",
                  "oldState": {"type": "aws:rds/instance:Instance", "outputs": {"identifier": "orders-prod",
                   "arn": "arn:aws:rds:eu-west-1:111111111111:db:orders-prod"}}}],
                 "changeSummary": {"delete": 1}}
                """);
        Path changeSet = dir.resolve("changes.json");
        Files.writeString(changeSet, """
                {"ChangeSetId": "arn:aws:cloudformation:eu-west-1:111111111111:changeSet/cs/1",
                 "StackId": "arn:aws:cloudformation:eu-west-1:111111111111:stack/shop/1",
                 "Changes": [{"Type": "Resource", "ResourceChange": {"Action": "Remove", "LogicalResourceId": "Orders",
                   "PhysicalResourceId": "orders-prod", "ResourceType": "AWS::RDS::DBInstance"}}]}
                """);
        Path neither = dir.resolve("other.json");
        Files.writeString(neither, "{\"resources\": []}");
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1");
        String[] base = {"guard", "--config", config.toString(), "--vault", "file:" + dir.resolve("v"), "--no-snapshots"
        };

        assertThat(cli.run(with(base, "--plan", preview.toString())))
                .as(cli.out() + cli.err())
                .isEqualTo(ExitCode.REFUSED);
        assertThat(cli.out())
                .contains("REFUSED urn:pulumi:prod::shop::aws:rds/instance:Instance::orders (orders-prod)");
        assertThat(cli.run(with(base, "--plan", changeSet.toString())))
                .as(cli.out() + cli.err())
                .isEqualTo(ExitCode.REFUSED);
        assertThat(cli.out()).contains("REFUSED CloudFormation Orders (orders-prod)");
        assertThat(cli.run(with(base, "--plan", neither.toString())))
                .as(cli.err())
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains("is not a plan Lifeboat reads").contains("pulumi preview --json");
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** The wrapper with no terraform or tofu on PATH: exit 2 naming it, never a stack trace (issue 43, item 5). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"terraform", "tofu", "pulumi"})
    void theWrapper_withoutItsProgram_isBadInput_namingIt(String program, @TempDir Path empty) {
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").env("PATH", empty.toString());

        assertThat(cli.run("guard", "--config", "/nonexistent/lifeboat.yml", "--", program, "destroy"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err())
                .contains("cannot run " + program + ": " + program + " is not on PATH (" + empty + ")")
                .contains("what to do:")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    /**
     * The wrapper runs Terraform's global options before each subcommand and carries the variables to the plan;
     * Terraform here is a script that records what it is asked and shows a plan that deletes nothing.
     */
    @Test
    void theWrapper_putsGlobalOptionsFirst_andCarriesVariablesToThePlan(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("terraform.log");
        Path terraform = Files.createDirectories(dir.resolve("bin")).resolve("terraform");
        Files.writeString(terraform, """
                #!/bin/sh
                echo "$@" >> "$LOG"
                for a; do case "$a" in -*) ;; *) sub=${sub:-$a} ;; esac; last=$a; done
                case "$sub" in
                  plan) echo planned > "$last" ;;
                  show) echo '{"format_version": "1.2", "resource_changes": []}' ;;
                esac
                """);
        assertThat(terraform.toFile().setExecutable(true)).isTrue();
        Path config = guardConfig(dir);

        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("PATH", dir.resolve("bin") + ":/usr/bin:/bin")
                .env("LOG", log.toString());

        int code = cli.run(
                "guard",
                "--config",
                config.toString(),
                "--vault",
                "file:" + dir.resolve("vault"),
                "--no-snapshots",
                "--",
                "terraform",
                "-chdir=infra",
                "destroy",
                "-auto-approve",
                "-var",
                "env=prod",
                "-var=region=eu-west-1",
                "-var-file",
                "prod.tfvars");

        assertThat(code).as(cli.err()).isEqualTo(ExitCode.OK);
        List<String> calls = Files.readAllLines(log);
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0))
                .startsWith(
                        "-chdir=infra plan -destroy -var env=prod -var=region=eu-west-1 -var-file prod.tfvars -out ");
        String planned = calls.get(0).substring(calls.get(0).lastIndexOf(' ') + 1);
        assertThat(calls.get(1)).isEqualTo("-chdir=infra show -json " + planned);
        assertThat(calls.get(2)).isEqualTo("-chdir=infra apply " + planned);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "s3:/bucket/x|is not an S3 URI; use s3://BUCKET/PREFIX (two slashes)",
                "s3://|names no bucket",
                "s3://Not_A_Bucket/x|is not an S3 bucket name",
                "gs://bucket|has an unknown scheme",
                "vault:old|has an unknown scheme"
            })
    void aMistypedVault_isRefused_andNothingIsWritten(String vault, String why, @TempDir Path home) {
        assertThat(run(home, "list", "--vault", vault)).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains(why);
        assertThat(Path.of("s3:")).doesNotExist();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "postgresql://u@h:abc/db|the PORT 'abc' is not a number",
                "postgresql://u@h/db?sslmode=requir|sslmode 'requir' is not a TLS mode",
                "postgresql://u@h/db?ssl=true|the URL parameter 'ssl' is not one Lifeboat passes on",
                "postgresql://u@h/db?sslmode=require&sslmode=disable|the URL parameter 'sslmode' is given twice ('require' and 'disable')",
                "postgresql://u@h/db?sslmode=require&sslrootcert=/ca.pem|with sslmode=require it would be ignored"
            })
    void aMistypedSource_isNamedPrecisely(String url, String why, @TempDir Path home) {
        assertThat(run(home, "dump", "--source", url, "--vault", "file:" + home.resolve("v")))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err()).contains(why);
        assertThat(home.resolve("v")).doesNotExist();
    }

    /** Regression (issue 10, operator messages): the command list cut restore and verify mid-sentence. */
    @Test
    void theCommandList_showsWholeSentences_andListShowsNoUploadOptions(@TempDir Path home) {
        assertThat(run(home, "--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertThat(help)
                .contains("restore Get a database back, from a snapshot copy or a dump; nothing existing is modified or"
                        + " deleted. verify")
                .contains("verify Prove a backup restores, in a throwaway instance that is always deleted. preflight")
                .contains("a restore into each configured account and a verification would be allowed. guard")
                .contains(
                        "guard Refuse a destructive change while the databases it deletes lack a fresh good backup. audit")
                .contains(
                        "without a share key, or not protected by Lifeboat; and configured databases whose newest copy or"
                                + " dump is older than their schedule allows. shape Print the shape recorded with a snapshot copy")
                .contains("what a restore brings back. doctor What this machine has")
                .contains("on Debian/Ubuntu, Amazon Linux and macOS. Changes nothing. stream")
                .contains("stream Archive a MySQL or MariaDB server's binary log, or a PostgreSQL database's committed"
                        + " changes (logical decoding with wal2json, through a replication slot named lifeboat_<id>),"
                        + " into the vault as they are written, for restores to any moment (restore --from dump"
                        + " --to-time). changes The transactions a binlog archive (MySQL, MariaDB) or a change"
                        + " archive (PostgreSQL) holds around a moment (lifeboat stream), to find the moment to restore"
                        + " to: just before the DROP or the DELETE. help");

        out.reset();
        assertThat(run(home, "list", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--vault")
                .doesNotContain("--object-lock")
                .doesNotContain("--part-size")
                .doesNotContain("--kms-key");
    }

    /** Issue 39: a backup written by a newer Lifeboat than the one reading it is listed, with a note saying so. */
    @Test
    void list_notesABackupWrittenByANewerLifeboat(@TempDir Path home) throws java.io.IOException {
        Path vaultDir = java.nio.file.Files.createDirectories(home.resolve("vault"));
        var vault = new dev.lifeboat.adapters.local.LocalDirectoryVault(vaultDir);
        dev.lifeboat.core.dump.DumpManifest older =
                dev.lifeboat.core.testing.FakeDumps.take(vault, "orders", dev.lifeboat.core.testing.FakeDumps.AT_NIGHT);
        assertThat(older.writtenBy())
                .isEqualTo(dev.lifeboat.protocol.BuildInfo.current().version());
        dev.lifeboat.core.dump.DumpManifest newer = dev.lifeboat.core.testing.FakeDumps.take(
                vault, "billing", dev.lifeboat.core.testing.FakeDumps.AT_NIGHT);
        Path manifest = vaultDir.resolve(dev.lifeboat.core.dump.VaultLayout.manifestKey("billing", newer.id()));
        String json = java.nio.file.Files.readString(manifest);
        java.nio.file.Files.setPosixFilePermissions(
                manifest, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.nio.file.Files.writeString(
                manifest, json.replace("\"writtenBy\" : \"" + newer.writtenBy() + "\"", "\"writtenBy\" : \"99.0.0\""));

        assertThat(run(home, "list", "--vault", "file:" + vaultDir)).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("orders").contains("billing");
        assertThat(err())
                .contains("note: billing " + newer.backupId() + ": written by Lifeboat 99.0.0, newer than this")
                .doesNotContain("note: orders");
    }

    /** A preview that deletes lifeboat.yml's orders-prod. */
    private static final String DELETES_ORDERS = """
            {"steps": [{"op": "delete", "urn": "urn:pulumi:prod::shop::aws:rds/instance:Instance::orders",
              "oldState": {"type": "aws:rds/instance:Instance", "outputs": {"identifier": "orders-prod",
               "arn": "arn:aws:rds:eu-west-1:111111111111:db:orders-prod"}}}],
             "changeSummary": {"delete": 1}}
            """;

    /**
     * A fake pulumi on PATH that records its invocations in {@code pulumi.log}, writes an update plan where it is
     * asked to save one, and prints {@code preview}'s text as the JSON of a preview.
     */
    private static InProcessLifeboat fakePulumi(Path dir, String preview) throws IOException {
        Path pulumi = Files.createDirectories(dir.resolve("bin")).resolve("pulumi");
        Files.writeString(pulumi, """
                #!/bin/sh
                echo "$@" >> "$LOG"
                prev=
                for a; do
                  if [ "$prev" = "--save-plan" ]; then echo '{"resourcePlans": {}}' > "$a"; fi
                  prev=$a
                done
                case " $* " in
                  *" preview --json "*|*" --preview-only --json "*) cat "$PREVIEW" ;;
                esac
                """);
        assertThat(pulumi.toFile().setExecutable(true)).isTrue();
        Files.writeString(dir.resolve("preview.json"), preview);
        return new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1")
                .env("PATH", dir.resolve("bin") + ":/usr/bin:/bin")
                .env("LOG", dir.resolve("pulumi.log").toString())
                .env("PREVIEW", dir.resolve("preview.json").toString());
    }

    private static List<String> pulumiCalls(Path dir) throws IOException {
        Path log = dir.resolve("pulumi.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static String[] guardWrapping(Path dir, String... command) throws IOException {
        return with(
                new String[] {
                    "guard",
                    "--config",
                    guardConfig(dir).toString(),
                    "--vault",
                    "file:" + dir.resolve("vault"),
                    "--no-snapshots",
                    "--"
                },
                command);
    }

    /** A fresh good dump of orders in the test's vault, so the guard allows deleting orders-prod. */
    private static void freshDumpOfOrders(Path dir) throws IOException {
        var vault = new dev.lifeboat.adapters.local.LocalDirectoryVault(Files.createDirectories(dir.resolve("vault")));
        dev.lifeboat.core.testing.FakeDumps.take(vault, "orders", dev.lifeboat.core.testing.FakeDumps.AT_NIGHT);
    }

    /**
     * The wrapper for Pulumi (issue 43): it previews with the same stack and options, and a preview that deletes a
     * database lifeboat.yml protects, with no fresh backup, runs nothing more: exit 3.
     */
    @Test
    void theWrapper_forPulumi_previewsTheSameStack_andRefusedRunsNothingMore(@TempDir Path dir) throws IOException {
        InProcessLifeboat cli = fakePulumi(dir, DELETES_ORDERS);

        int code = cli.run(guardWrapping(dir, "pulumi", "-C", "infra", "up", "--stack", "prod", "--yes"));

        assertThat(code).as(cli.out() + cli.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(cli.out())
                .contains("REFUSED urn:pulumi:prod::shop::aws:rds/instance:Instance::orders (orders-prod)");
        assertThat(cli.err()).contains("refused; nothing ran");
        List<String> calls = pulumiCalls(dir);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst()).startsWith("-C infra preview --json --stack prod --save-plan ");
    }

    /**
     * Allowed (a fresh dump of orders), the update runs held to the plan the guarded preview saved: {@code pulumi up
     * --plan} with that file; a destroy runs after its {@code --preview-only} preview.
     */
    @Test
    void theWrapper_forPulumi_allowed_runsUpWithTheSavedPlan_andDestroyAfterItsPreview(@TempDir Path dir)
            throws IOException {
        freshDumpOfOrders(dir);
        InProcessLifeboat cli = fakePulumi(dir, DELETES_ORDERS).at(dev.lifeboat.core.testing.FakeDumps.AT_NIGHT);

        int code = cli.run(guardWrapping(dir, "pulumi", "up", "-s", "prod", "-c", "aws:region=eu-west-1", "-y"));

        assertThat(code).as(cli.out() + cli.err()).isEqualTo(ExitCode.OK);
        List<String> calls = pulumiCalls(dir);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).startsWith("preview --json -s prod -c aws:region=eu-west-1 --save-plan ");
        String saved = calls.get(0).substring(calls.get(0).lastIndexOf(' ') + 1);
        assertThat(calls.get(1)).isEqualTo("up -s prod -c aws:region=eu-west-1 -y --plan " + saved);

        Files.delete(dir.resolve("pulumi.log"));
        assertThat(cli.run(guardWrapping(dir, "pulumi", "destroy", "--stack", "prod", "--yes")))
                .as(cli.err())
                .isEqualTo(ExitCode.OK);
        assertThat(pulumiCalls(dir))
                .containsExactly("destroy --preview-only --json --stack prod", "destroy --stack prod --yes");
    }

    /** What the Pulumi wrapper cannot honour is bad input naming the option, before pulumi ran at all. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "up --plan mine.json|the wrapper cannot honour --plan",
                "up --remote|the wrapper cannot honour --remote",
                "up --frobnicate|pulumi's option --frobnicate",
                "up --stack|--stack has no value"
            })
    void theWrapper_forPulumi_refusesWhatItCannotHonour_namingIt(String args, String why, @TempDir Path dir)
            throws IOException {
        InProcessLifeboat cli = fakePulumi(dir, DELETES_ORDERS);
        String[] command = with(new String[] {"pulumi"}, args.split(" "));

        assertThat(cli.run(guardWrapping(dir, command))).as(cli.err()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err()).contains(why).doesNotContain("Exception");
        assertThat(pulumiCalls(dir)).isEmpty();
    }

    /**
     * The typed confirmation (issue 43): at a terminal, an allowed run that deletes a database goes ahead only once
     * its name is typed as it is; anything else, or the end of the input, runs nothing (exit 3).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {"'orders-prod\n'|0|2", "'ORDERS-PROD\n'|3|1", "'\n'|3|1", "''|3|1", "'orders\n'|3|1"})
    void theWrapper_atATerminal_runsOnlyOnceTheDatabasesNameIsTyped(
            String typed, int exit, int calls, @TempDir Path dir) throws IOException {
        freshDumpOfOrders(dir);
        InProcessLifeboat cli = fakePulumi(dir, DELETES_ORDERS)
                .at(dev.lifeboat.core.testing.FakeDumps.AT_NIGHT)
                .terminal(true)
                .input(typed);

        assertThat(cli.run(guardWrapping(dir, "pulumi", "destroy", "--yes")))
                .as(cli.err())
                .isEqualTo(exit);
        assertThat(cli.out()).contains("ok      urn:pulumi:prod::shop::aws:rds/instance:Instance::orders");
        assertThat(cli.err()).contains("deletes the database orders-prod").contains("type orders-prod to go ahead");
        assertThat(pulumiCalls(dir)).hasSize(calls);
        if (exit != 0) {
            assertThat(cli.err()).contains("nothing ran");
        }
    }

    /** No terminal (an agent, CI), or lifeboat's own --yes: nothing is asked, and the allowed run goes ahead. */
    @Test
    void theWrapper_withoutATerminal_orWithYes_asksNothing(@TempDir Path dir) throws IOException {
        freshDumpOfOrders(dir);
        InProcessLifeboat cli = fakePulumi(dir, DELETES_ORDERS).at(dev.lifeboat.core.testing.FakeDumps.AT_NIGHT);

        assertThat(cli.run(guardWrapping(dir, "pulumi", "destroy", "--yes")))
                .as(cli.err())
                .isEqualTo(ExitCode.OK);
        assertThat(cli.err()).doesNotContain("type orders-prod");
        assertThat(pulumiCalls(dir)).hasSize(2);

        Files.delete(dir.resolve("pulumi.log"));
        cli.terminal(true).input("");
        String[] withYes = guardWrapping(dir, "pulumi", "destroy", "--yes");
        String[] args = with(new String[] {"guard", "--yes"}, java.util.Arrays.copyOfRange(withYes, 1, withYes.length));
        assertThat(cli.run(args)).as(cli.err()).isEqualTo(ExitCode.OK);
        assertThat(cli.err()).doesNotContain("type orders-prod");
        assertThat(pulumiCalls(dir)).hasSize(2);
    }

    /** The hook blocks {@code pulumi up} (it deletes what the program no longer declares) with the way through. */
    @Test
    void theHook_blocksPulumiUp_withTheWayThrough(@TempDir Path dir) throws IOException {
        InProcessLifeboat cli = new InProcessLifeboat("http://127.0.0.1:1", "eu-west-1").input("pulumi up --yes");

        int code = cli.run(
                "guard",
                "--hook",
                "--config",
                guardConfig(dir).toString(),
                "--vault",
                "file:" + dir.resolve("vault"),
                "--no-snapshots");

        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(cli.err())
                .contains("blocked `pulumi up`")
                .contains("pulumi preview --json > preview.json && lifeboat guard --plan preview.json")
                .contains("-- pulumi up ...");
    }
}
