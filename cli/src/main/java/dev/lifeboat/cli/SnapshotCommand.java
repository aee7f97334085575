package dev.lifeboat.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.snapshot.CopyingSnapshot;
import dev.lifeboat.core.snapshot.Decision;
import dev.lifeboat.core.snapshot.RunProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = {
            "Start or advance a snapshot run: a copy of the database's snapshot in the backup account.",
            "Each call observes the run's snapshots in AWS and does the next step; --wait follows it to the end."
        },
        footer = {
            "",
            "Examples:",
            "  lifeboat snapshot --config lifeboat.yml --database orders --wait",
            "  lifeboat snapshot --config lifeboat.yml --database orders --run 2026-11-25T03:00:00Z   # resume that run"
        })
final class SnapshotCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    @Option(
            names = "--database",
            required = true,
            paramLabel = "ID",
            description = "a database id from the configuration")
    String database;

    @Option(
            names = "--run",
            paramLabel = "TIME",
            description =
                    "the run's time (ISO-8601 UTC); the same time resumes the same run (default: now, to the minute)")
    String run;

    @Option(names = "--wait", description = "follow the run until its copy is available, or it fails")
    boolean wait;

    @Option(
            names = "--poll-seconds",
            defaultValue = "30",
            paramLabel = "S",
            description = "first wait between polls; doubles up to 5 minutes (default: ${DEFAULT-VALUE})")
    long pollSeconds;

    @Option(
            names = "--max-wait-minutes",
            defaultValue = "720",
            paramLabel = "MIN",
            description =
                    "with --wait: give up waiting after this long; the run goes on, and the same command follows it"
                            + " again (default: ${DEFAULT-VALUE})")
    long maxWaitMinutes;

    SnapshotCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        LifeboatConfig cfg = ConfigLoader.load(config);
        cfg.database(database);
        Instant at;
        try {
            at = run == null ? context.clock().instant().truncatedTo(ChronoUnit.MINUTES) : Instant.parse(run);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(
                    "--run '" + run + "' is not an ISO-8601 UTC time such as 2026-11-25T03:00:00Z");
        }
        try (RdsGateway rds = context.rds(cfg);
                DatabaseShapes shapes = context.shapes(cfg)) {
            // The shape record (issue 14), beside the copy in the vault, as the deployed pipeline writes it.
            CopyingSnapshot copying = new CopyingSnapshot(rds, shapes, context.vault(cfg));
            RunProgress progress = RunProgress.START;
            Instant deadline = context.clock().instant().plus(Duration.ofMinutes(maxWaitMinutes));
            long pause = Math.max(1, pollSeconds);
            while (true) {
                CopyingSnapshot.Result r = copying.advance(cfg, database, at, progress);
                progress = r.progress();
                context.err()
                        .println(context.clock().instant().truncatedTo(ChronoUnit.SECONDS) + " " + r.status() + ": "
                                + r.message());
                if (r.status() == Decision.Status.DONE) {
                    progress.warnings().forEach(w -> context.err().println("warning: " + w));
                    context.out().println("run " + at + " of " + database + ": " + r.message());
                    return ExitCode.OK;
                }
                if (r.status() == Decision.Status.FAILED) {
                    context.err().println("lifeboat: " + r.message());
                    return ExitCode.FAILED;
                }
                if (!wait) {
                    context.out()
                            .println("run " + at + " of " + database + " is in progress: " + r.message()
                                    + "\n  continue it with: lifeboat snapshot --config " + config + " --database "
                                    + database
                                    + " --run " + at + " [--wait]");
                    return ExitCode.OK;
                }
                if (context.clock().instant().isAfter(deadline)) {
                    context.err()
                            .println("lifeboat: run " + at + " is still in progress after " + maxWaitMinutes
                                    + " minutes; it goes on in AWS. Resume with --run " + at);
                    return ExitCode.FAILED;
                }
                Thread.sleep(Duration.ofSeconds(pause));
                pause = Math.min(pause * 2, 300);
            }
        }
    }
}
