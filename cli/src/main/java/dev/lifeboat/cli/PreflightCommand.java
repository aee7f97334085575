package dev.lifeboat.cli;

import dev.lifeboat.adapters.preflight.AwsAccessChecks;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.changes.CheckingStream;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.preflight.Preflight;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "preflight",
        mixinStandardHelpOptions = true,
        description = {
            "Check a deployment before the night it matters: for each database of lifeboat.yml, whether a snapshot"
                    + " copy, a share, a restore into each configured account and a verification would be allowed.",
            "Changes nothing: it assumes the source roles, describes the databases and keys, and asks IAM's policy"
                    + " simulation about the backup account's roles (the caller needs iam:SimulatePrincipalPolicy).",
            "Exit 0 when every check passes, 1 when any fails; each failure names the role, action and resource.",
            "With --source instead (PostgreSQL): whether lifeboat stream can archive that database's changes (wal_level,"
                    + " a bounded max_slot_wal_keep_size, a replication connection, a free slot and WAL sender), and"
                    + " what logical decoding leaves out, per table (no primary key or replica identity, unlogged,"
                    + " large objects) and DDL. Reads only: no slot is made."
        },
        footer = {
            "",
            "Examples:",
            "  lifeboat preflight --config lifeboat.yml",
            "  PGPASSWORD=... lifeboat preflight --source postgresql://lifeboat@db:5432/shop"
        })
final class PreflightCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    @Option(
            names = "--source",
            paramLabel = "URL",
            description = "instead of --config: postgresql://USER@HOST:PORT/DB, checked for lifeboat stream; the"
                    + " password comes from PGPASSWORD or ~/.pgpass, never the URL")
    String source;

    @Option(
            names = "--secret-id",
            paramLabel = "ID",
            description = "instead of --source: a Secrets Manager secret in the RDS format")
    String secretId;

    @Option(
            names = "--database",
            paramLabel = "ID",
            description = "with --source: the database's id in the vault, which names the slot (default: the database"
                    + " name)")
    String id;

    PreflightCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if ((config == null) == (source == null && secretId == null)) {
            throw new InvalidInputException("give --config FILE (the deployment) or --source URL / --secret-id ID (a"
                    + " PostgreSQL database to stream), one of them");
        }
        if (config == null) {
            return stream();
        }
        if (id != null) {
            throw new InvalidInputException("--database is for --source; lifeboat.yml names its databases");
        }
        LifeboatConfig cfg = ConfigLoader.load(config);
        try (RdsGateway rds = context.rds(cfg);
                AwsAccessChecks access = AwsAccessChecks.forConfig(cfg, context.aws())) {
            Preflight.Report report = new Preflight(access, rds).run(cfg);
            for (Preflight.Check c : report.checks()) {
                context.out().printf("%-4s %-12s %s%n", c.ok() ? "ok" : "FAIL", c.database(), c.what());
                if (!c.ok()) {
                    context.out().printf("     %-12s %s%n", "", c.detail());
                }
            }
            long failed = report.checks().stream().filter(c -> !c.ok()).count();
            context.out()
                    .printf(
                            "%s: %d checks, %d failed%n",
                            failed == 0 ? "ready" : "not ready", report.checks().size(), failed);
            return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    /** The change archive's preflight (issue 41): what the streamer needs of the server, and what it leaves out. */
    private int stream() {
        DatabaseTarget target = context.database("--source", source, "--secret-id", secretId);
        if (target.engine() != DatabaseEngine.POSTGRESQL) {
            throw new InvalidInputException(
                    "preflight --source checks a PostgreSQL database's change archive;"
                            + " for MySQL and MariaDB, lifeboat stream checks binary logging and its privileges when it starts");
        }
        String databaseId = VaultLayout.requireDatabaseId(id == null ? target.database() : id);
        CheckingStream.Report report = new CheckingStream(context.changeFeed()).check(databaseId, target);
        for (CheckingStream.Finding f : report.findings()) {
            String verdict = switch (f.verdict()) {
                case OK -> "ok";
                case NOTE -> "NOTE";
                case FAIL -> "FAIL";
            };
            context.out().printf("%-4s %-12s %s%n", verdict, databaseId, f.what());
            if (f.verdict() != CheckingStream.Verdict.OK) {
                context.out().printf("     %-12s %s%n", "", f.detail());
            }
        }
        long failed = report.findings().stream()
                .filter(f -> f.verdict() == CheckingStream.Verdict.FAIL)
                .count();
        context.out()
                .printf(
                        "%s: %d checks, %d failed, %d notes%n",
                        failed == 0 ? "ready to stream " + target.describe() : "not ready",
                        report.findings().size(),
                        failed,
                        report.findings().stream()
                                .filter(f -> f.verdict() == CheckingStream.Verdict.NOTE)
                                .count());
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }
}
