package dev.lifeboat.backup;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.jdbc.PgChangeFeed;
import dev.lifeboat.adapters.process.OnSignal;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.binlog.StreamingBinlog;
import dev.lifeboat.core.changes.StreamingChanges;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.Outcome;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.stream.ArchiveProgress;
import dev.lifeboat.protocol.MetricNames;
import dev.lifeboat.protocol.Vocabulary;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The deployed streamer (issues 40 and 41): the entrypoint of the ECS Fargate service that the CDK app runs, one task
 * per database whose lifeboat.yml entry has {@code dump.stream}, in the database's VPC with its dump's secret. It
 * archives every committed change into the vault (PostgreSQL: logical decoding through Lifeboat's slot; MySQL and
 * MariaDB: the binlog), as {@code lifeboat stream} does, until ECS stops it (SIGTERM: the segment open at a
 * transaction's end is written first). Every minute it publishes, as embedded metric format on standard output (which
 * CloudWatch Logs turns into metrics; the awslogs driver needs no header,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Generation_PutLogEvents.html):
 * the archive's lag, the WAL its slot holds (PostgreSQL), and the gaps it marked. Refused (another reader holds the
 * slot, a server not set up for it), it says why and asks again every minute, reporting no lag. Exit 0 when stopped,
 * 1 when it stopped with gaps marked or could not go on, 2 for a task started wrongly, 3 when stopped while refused;
 * ECS starts it again.
 */
public final class StreamTask {
    static final String DATABASE = "LIFEBOAT_DATABASE";
    /** Seconds between two reports (default 60); tests shorten it. */
    static final String REPORT_SECONDS = "LIFEBOAT_REPORT_SECONDS";

    /** How long a refused stream waits before it asks again. */
    static final Duration RETRY = Duration.ofMinutes(1);

    private StreamTask() {}

    /** Waits {@code d} unless stopped first; whether it waited it out. */
    private static boolean pause(Duration d, BooleanSupplier stop) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            if (stop.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stop.getAsBoolean();
    }

    public static void main(String[] args) {
        OnSignal stop = OnSignal.install(System.err);
        stop.exit(run(System.getenv(), System.err, stop::signalled, MetricsFactory.getMetricsInstance()));
    }

    /** What the task publishes: one metric of its database, now. */
    interface Report {
        void metric(String name, double value, MetricUnit unit);
    }

    static int run(Map<String, String> env, PrintStream err, BooleanSupplier stop, Metrics metrics) {
        err.println("starting " + dev.lifeboat.protocol.BuildInfo.current().describe());
        String id = env.get(DATABASE);
        if (id == null || id.isBlank()) {
            err.println("lifeboat: " + DATABASE + " is not set: the CDK app's stream service passes the database id to"
                    + " archive; to stream by hand, use the command line (lifeboat stream)");
            return 2;
        }
        Duration every;
        try {
            every = Duration.ofSeconds(Long.parseLong(env.getOrDefault(REPORT_SECONDS, "60")));
            if (every.isNegative() || every.isZero()) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("lifeboat: " + REPORT_SECONDS + " '" + env.get(REPORT_SECONDS) + "' is not a whole number of"
                    + " seconds above 0");
            return 2;
        }
        Clock clock = Clock.systemUTC();
        try (AwsClients aws = AwsClients.fromEnvironment(env)) {
            LifeboatConfig config = DeployedConfig.load(env, aws::objectBytes);
            LifeboatConfig.Database d = config.database(id);
            if (d.dump() == null || d.dump().stream() == null) {
                throw new InvalidInputException(
                        "lifeboat.yml does not ask for a stream of " + id,
                        "set databases." + id + ".dump.stream: true, then cdk deploy");
            }
            Vault vault = BackupHandler.openVault(config, aws, clock);
            DimensionSet dims = DimensionSet.of(MetricNames.DIMENSION_DATABASE, id);
            Report report =
                    (name, value, unit) -> metrics.flushSingleMetric(name, value, unit, MetricNames.NAMESPACE, dims);
            // Refused (another reader holds the slot, the server is not set up for it): the task stays up and tries
            // again each minute, reporting no lag, so the silent alarm speaks and ECS's deployment is not held up by
            // a task that exits and is started again for ever.
            while (true) {
                // The login is read anew each time: after a refused login (the secret rotated), the next try uses
                // the secret as it is now.
                DatabaseTarget source =
                        aws.secretSource().databaseTarget(d.dump().secretArn());
                if (d.dump().dbname() != null) {
                    source = source.withDatabase(d.dump().dbname());
                }
                try {
                    return stream(id, source, vault, clock, stop, every, report, err);
                } catch (RefusedException e) {
                    err.println("lifeboat: " + e.describe(Vocabulary.PAYLOAD) + "; trying again in " + RETRY.toSeconds()
                            + " s");
                    if (!pause(RETRY, stop)) {
                        return 3;
                    }
                }
            }
        } catch (LifeboatException e) {
            err.println("lifeboat: " + e.describe(Vocabulary.PAYLOAD));
            return Outcome.of(e) == Outcome.BAD_INPUT ? 2 : 1;
        }
    }

    /** Streams {@code id} until stopped, reporting every {@code every}. */
    static int stream(
            String id,
            DatabaseTarget source,
            Vault vault,
            Clock clock,
            BooleanSupplier stop,
            Duration every,
            Report report,
            PrintStream err) {
        ArchiveProgress progress;
        LongSupplier retained;
        java.util.function.IntSupplier run;
        if (source.engine() == DatabaseEngine.POSTGRESQL) {
            ChangeFeed feed = new PgChangeFeed();
            StreamingChanges streaming = new StreamingChanges(vault, feed, clock, StreamingChanges.Settings.DEFAULT);
            progress = streaming.progress();
            String slot = StreamingChanges.slotName(id);
            retained = () -> feed.retainedBytes(source, slot);
            run = () -> streaming.run(id, source, stop).gaps();
        } else {
            StreamingBinlog streaming = new StreamingBinlog(
                    vault, ProcessDumpTools.fromEnvironment().binlogs(), clock, StreamingBinlog.Settings.DEFAULT);
            progress = streaming.progress();
            retained = null;
            run = () -> streaming.run(id, source, stop).gaps();
        }
        err.println("lifeboat: archiving the changes of " + id + " (" + source.describe() + ") into " + vault.describe()
                + " until stopped");
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-report");
            t.setDaemon(true);
            return t;
        });
        int[] gapsReported = {0};
        // The report never throws (report catches), so the schedule runs until the reporter is shut down.
        var unused = reporter.scheduleAtFixedRate(
                () -> report(progress, retained, clock, report, gapsReported, err),
                every.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            int gaps = run.getAsInt();
            return gaps == 0 ? 0 : 1;
        } finally {
            reporter.shutdownNow();
            report(progress, retained, clock, report, gapsReported, err);
        }
    }

    /** One report: never throws, so a failed read of the slot cannot stop the reports that follow. */
    private static void report(
            ArchiveProgress progress,
            LongSupplier retained,
            Clock clock,
            Report report,
            int[] gapsReported,
            PrintStream err) {
        try {
            progress.lag(clock.instant())
                    .ifPresent(lag -> report.metric(
                            MetricNames.CHANGE_ARCHIVE_LAG_SECONDS, lag.toMillis() / 1000.0, MetricUnit.SECONDS));
            synchronized (gapsReported) {
                int gaps = progress.gaps();
                report.metric(MetricNames.CHANGE_ARCHIVE_GAPS, gaps - gapsReported[0], MetricUnit.COUNT);
                gapsReported[0] = gaps;
            }
            if (retained != null) {
                report.metric(MetricNames.CHANGE_SLOT_RETAINED_BYTES, (double) retained.getAsLong(), MetricUnit.BYTES);
            }
        } catch (RuntimeException e) {
            err.println("lifeboat: warning: could not report the stream's metrics (" + e.getMessage() + ")");
        }
    }
}
