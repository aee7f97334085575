package dev.lifeboat.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.verify.SweepingVerifications;
import dev.lifeboat.core.verify.VerifyingBackup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        header = "Prove a backup restores, in a throwaway instance that is always deleted.",
        description = {
            "Prove a backup restores: restore the newest snapshot copy into a throwaway instance, restore the newest",
            "dump beside it, check tables, row counts and the SQL assertions of lifeboat.yml, measure the recovery time,",
            "then delete the instance whatever happened. --sweep removes what crashed runs left behind."
        })
final class VerifyCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    @Option(names = "--database", paramLabel = "ID", description = "the database to verify")
    String database;

    @Option(names = "--sweep", description = "delete verification instances past their expiry (nothing else)")
    boolean sweep;

    @Option(
            names = "--timeout-minutes",
            paramLabel = "MIN",
            defaultValue = "720",
            description = "stop loading the dump beside the restored snapshot after this long; the check fails"
                    + " (default: ${DEFAULT-VALUE})")
    long timeoutMinutes;

    VerifyCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LifeboatConfig cfg = ConfigLoader.load(config);
        if (!sweep && database == null) {
            throw new InvalidInputException("give --database ID, or --sweep");
        }
        if (timeoutMinutes < 1) {
            throw new InvalidInputException("--timeout-minutes must be >= 1");
        }
        try (RdsGateway rds = context.rds(cfg)) {
            Vault vault = context.vault(cfg);
            VerifyingBackup verifying = new VerifyingBackup(
                    rds,
                    vault,
                    context.inspector(),
                    context.tools(),
                    context.aws().secretStore(),
                    EndpointResolver.DIRECT,
                    context.clock(),
                    d -> Thread.sleep(d));
            if (sweep) {
                List<String> deleted = new SweepingVerifications(
                                rds, context.aws().secretStore(), context.clock())
                        .sweep(cfg.backup().location());
                context.out().println(deleted.isEmpty() ? "nothing to sweep" : "deleted " + String.join(", ", deleted));
                return ExitCode.OK;
            }
            VerifyingBackup.Report r = verifying.verify(cfg, database, Duration.ofMinutes(timeoutMinutes));
            context.out().printf("verification of %s: %s%n", database, r.success() ? "PASSED" : "FAILED");
            for (VerifyingBackup.Check c : r.checks()) {
                context.out().printf("  [%s] %s: %s%n", c.passed() ? "ok" : "FAIL", c.name(), c.detail());
            }
            if (r.recoverySeconds() != null) {
                context.out()
                        .printf(
                                "  recovery time: %d s; backup age: %.1f h; cleaned up: %s%n",
                                r.recoverySeconds(), r.backupAgeHours(), r.cleanedUp());
            }
            return r.success() ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
