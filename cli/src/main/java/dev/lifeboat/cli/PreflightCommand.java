package dev.lifeboat.cli;

import dev.lifeboat.adapters.preflight.AwsAccessChecks;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
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
            "Exit 0 when every check passes, 1 when any fails; each failure names the role, action and resource."
        })
final class PreflightCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    PreflightCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
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
}
