package dev.lifeboat.backup;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.Outcome;
import dev.lifeboat.protocol.Vocabulary;
import dev.lifeboat.protocol.request.BadRequest;
import dev.lifeboat.protocol.request.DumpRun;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The ECS Fargate task's entrypoint (issue 13): the dump function's use case, from the same image, run from
 * environment variables and without Lambda's 15 minutes. The scheduled-dump state machine starts it with
 * {@code LIFEBOAT_DATABASES} (one id, or several of one instance, comma-separated) and {@code LIFEBOAT_RUN_ID} (the
 * scheduled time); lifeboat.yml comes as for the function ({@link DeployedConfig}). Exit 0 when every dump was made
 * (or existed), 1 when one failed, 2 for a task started wrongly.
 */
public final class DumpTask {
    /** A dump as a task may run this long before it is stopped and records nothing. */
    static final Duration TIMEOUT = Duration.ofHours(12);

    static final String DATABASES = "LIFEBOAT_DATABASES";
    static final String RUN_ID = "LIFEBOAT_RUN_ID";

    private DumpTask() {}

    public static void main(String[] args) {
        // Told to stop (StopTask: SIGTERM), the tools are stopped and the work cleans up before the JVM exits.
        dev.lifeboat.adapters.process.OnSignal stop =
                dev.lifeboat.adapters.process.OnSignal.install(System.err).successOutlivesTheSignal();
        stop.exit(run(System.getenv(), System.out, System.err));
    }

    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        err.println("starting " + dev.lifeboat.protocol.BuildInfo.current().describe());
        String ids = env.get(DATABASES);
        if (ids == null || ids.isBlank()) {
            err.println("lifeboat: " + DATABASES + " is not set: the scheduled-dump state machine passes the database"
                    + " ids to dump; to dump by hand, use the command line (lifeboat dump)");
            return 2;
        }
        String runId = env.get(RUN_ID);
        DumpRun run;
        try {
            run = DumpRun.of(
                    Arrays.stream(ids.split(",", -1)).map(String::strip).toList(),
                    runId == null || runId.isBlank() ? null : runId);
        } catch (BadRequest e) {
            err.println("lifeboat: " + DATABASES + ": " + Vocabulary.PAYLOAD.render(e.getMessage()));
            return 2;
        }
        try (AwsClients aws = AwsClients.fromEnvironment(env)) {
            LifeboatConfig config = DeployedConfig.load(env, aws::objectBytes);
            BackupHandler handler = new BackupHandler(config, aws, Clock.systemUTC());
            out.println(handler.dumpAll(BackupHandler.configured(run, handler.configured()), () -> TIMEOUT));
            return 0;
        } catch (BackupHandler.BackupRunFailedException e) {
            err.println("lifeboat: " + e.getMessage());
            return 1;
        } catch (LifeboatException e) {
            err.println("lifeboat: " + e.describe(Vocabulary.PAYLOAD));
            return Outcome.of(e) == Outcome.BAD_INPUT ? 2 : 1;
        }
    }
}
