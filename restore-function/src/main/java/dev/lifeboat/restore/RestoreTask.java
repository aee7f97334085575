package dev.lifeboat.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.Outcome;
import dev.lifeboat.core.port.TaskCallbacks;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Vocabulary;
import dev.lifeboat.protocol.request.BadRequest;
import dev.lifeboat.protocol.request.DumpRestore;
import dev.lifeboat.protocol.request.Requests;
import dev.lifeboat.protocol.request.RestoreRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ECS Fargate task of the backup account (issue 13): the restore function's use cases from the same image, run
 * from environment variables and without Lambda's 15 minutes, for dumps too large to load within them.
 *
 * <ul>
 *   <li>{@code LIFEBOAT_RESTORE}: a dump restore payload, as the restore function takes it ({@code "from": "dump"});
 *       the {@code lifeboat-dump-restores} state machine passes it. Prints the result; exit 0 when restored.
 *   <li>{@code LIFEBOAT_STEP} and {@code LIFEBOAT_TASK_TOKEN}: one step of a verification run (the check, whose dump
 *       restore is the long part), as the verification state machine hands it over with its task token. The next
 *       state goes back with SendTaskSuccess, a failure with SendTaskFailure, and a heartbeat every minute meanwhile,
 *       so a task that dies is noticed within the state's heartbeat interval.
 * </ul>
 *
 * Exit 0 when the work was done (a verification step that found a problem is done: its state says so), 1 when it
 * failed, 2 for a task started wrongly. Nothing of the payload but ARNs and names reaches the log.
 */
public final class RestoreTask {
    /** A dump restore as a task may run this long; it then stops, and a database it created is removed. */
    static final Duration TIMEOUT = Duration.ofHours(12);

    static final String RESTORE = "LIFEBOAT_RESTORE";
    static final String STEP = "LIFEBOAT_STEP";
    static final String TASK_TOKEN = "LIFEBOAT_TASK_TOKEN";
    static final Duration HEARTBEAT = Duration.ofMinutes(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The two use cases, built from lifeboat.yml and the clients; tests build them otherwise. */
    interface Work {
        JsonNode restore(RestoreRequest request, Duration budget);

        JsonNode step(JsonNode state, Duration budget);
    }

    private RestoreTask() {}

    public static void main(String[] args) {
        // Told to stop (StopTask: SIGTERM), the tools are stopped and the work cleans up before the JVM exits.
        dev.lifeboat.adapters.process.OnSignal stop =
                dev.lifeboat.adapters.process.OnSignal.install(System.err).successOutlivesTheSignal();
        stop.exit(run(System.getenv(), System.out, System.err));
    }

    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        try (AwsClients aws = AwsClients.fromEnvironment(env)) {
            return run(
                    env,
                    out,
                    err,
                    () -> {
                        LifeboatConfig config = DeployedConfig.load(env, aws::objectBytes);
                        RestoreHandler restoring = new RestoreHandler(config, aws, false);
                        VerificationStepHandler verifying = new VerificationStepHandler(config, aws);
                        return new Work() {
                            @Override
                            public JsonNode restore(RestoreRequest request, Duration budget) {
                                return restoring.restore(request, budget);
                            }

                            @Override
                            public JsonNode step(JsonNode state, Duration budget) {
                                return verifying.step(state, budget);
                            }
                        };
                    },
                    region == null ? null : aws.taskCallbacks(region),
                    HEARTBEAT);
        }
    }

    /** Builds the work once it is known to be wanted: a task started wrongly is told so before any AWS call. */
    interface WorkFactory {
        Work build();
    }

    static int run(
            Map<String, String> env,
            PrintStream out,
            PrintStream err,
            WorkFactory work,
            TaskCallbacks callbacks,
            Duration heartbeat) {
        err.println("starting " + dev.lifeboat.protocol.BuildInfo.current().describe());
        String restore = env.get(RESTORE);
        String step = env.get(STEP);
        String token = env.get(TASK_TOKEN);
        boolean restoring = restore != null && !restore.isBlank();
        boolean stepping = step != null && !step.isBlank();
        if (restoring == stepping) {
            err.println("lifeboat: set either " + RESTORE + " (a dump restore payload; the "
                    + Names.DUMP_RESTORE_STATE_MACHINE + " state machine passes it) or " + STEP + " with " + TASK_TOKEN
                    + " (a verification step; the verification state machine passes them)");
            return 2;
        }
        if (restoring) {
            return restore(restore, out, err, work);
        }
        if (token == null || token.isBlank() || callbacks == null) {
            err.println("lifeboat: " + STEP + " needs " + TASK_TOKEN + " and AWS_REGION: the verification state machine"
                    + " passes the token its step waits for");
            return 2;
        }
        return step(step, token, out, err, work, callbacks, heartbeat);
    }

    private static int restore(String payload, PrintStream out, PrintStream err, WorkFactory work) {
        try {
            RestoreRequest request = read(payload);
            if (!(request instanceof DumpRestore dump)) {
                throw new InvalidInputException(
                        RESTORE + ": the task restores dumps into a database that exists (\"from\": \"dump\" with"
                                + " targetSecretArn), not " + request.kind(),
                        "restore a snapshot with the restore function or lifeboat restore --from snapshot; make a"
                                + " new instance with lifeboat restore --from dump --create-instance");
            }
            if (dump.toTime() != null) {
                throw new InvalidInputException(
                        RESTORE
                                + ": field 'toTime' is not available from the task: a restore to a moment (a dump, then the"
                                + " archived changes replayed) runs from the command line only; nothing was changed",
                        "run lifeboat restore --from dump --to-time " + dump.toTime()
                                + " from a machine that reaches the database (docs/recovery-point.md)");
            }
            // The task's whole limit: the handler keeps the payload's timeoutMinutes within it and so knows which
            // of the two stopped a restore.
            out.println(work.build().restore(request, TIMEOUT));
            return 0;
        } catch (LifeboatException e) {
            err.println("lifeboat: " + e.describe(Vocabulary.PAYLOAD));
            return e.outcome() == Outcome.BAD_INPUT ? 2 : 1;
        }
    }

    private static int step(
            String state,
            String token,
            PrintStream out,
            PrintStream err,
            WorkFactory work,
            TaskCallbacks callbacks,
            Duration heartbeat) {
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-heartbeat");
            t.setDaemon(true);
            return t;
        });
        try {
            // The first beat at once: a token the state machine no longer waits for fails here, before any work.
            callbacks.heartbeat(token);
            // beat() catches what a call throws, so the schedule's future never completes exceptionally.
            var unused = beats.scheduleAtFixedRate(
                    () -> beat(callbacks, token, err),
                    heartbeat.toMillis(),
                    heartbeat.toMillis(),
                    TimeUnit.MILLISECONDS);
            JsonNode next = work.build().step(parse(state, STEP), TIMEOUT);
            beats.shutdownNow();
            String output = JSON.writeValueAsString(next);
            callbacks.success(token, output);
            out.println(output);
            return 0;
        } catch (LifeboatException e) {
            beats.shutdownNow();
            err.println("lifeboat: " + e.describe(Vocabulary.PAYLOAD));
            return fail(callbacks, token, e, err);
        } catch (JsonProcessingException | RuntimeException e) {
            beats.shutdownNow();
            err.println("lifeboat: the verification step failed: " + e);
            return fail(callbacks, token, e, err);
        }
    }

    private static void beat(TaskCallbacks callbacks, String token, PrintStream err) {
        try {
            callbacks.heartbeat(token);
        } catch (RuntimeException e) {
            // The next beat may get through; the state's heartbeat interval allows several misses.
            err.println("lifeboat: a heartbeat did not reach Step Functions: " + e.getMessage());
        }
    }

    /** Tells the state machine, whose Catch hands the error back to the run so that it cleans up. */
    private static int fail(TaskCallbacks callbacks, String token, Exception e, PrintStream err) {
        String cause = e instanceof LifeboatException le ? le.describe(Vocabulary.PAYLOAD) : e.toString();
        String error = Outcome.of(e) == Outcome.BAD_INPUT ? "Lifeboat.InvalidInput" : "Lifeboat.StepFailed";
        try {
            callbacks.failure(token, error, cause);
        } catch (RuntimeException again) {
            err.println("lifeboat: could not report the failure to Step Functions either (" + again.getMessage()
                    + "); the state's heartbeat timeout will");
        }
        return Outcome.of(e) == Outcome.BAD_INPUT ? 2 : 1;
    }

    /** {@code LIFEBOAT_RESTORE} as the one restore request every front end reads, strictly. */
    private static RestoreRequest read(String json) {
        try {
            return RestoreRequest.read(Requests.tree(json));
        } catch (BadRequest e) {
            throw new InvalidInputException(RESTORE + ": " + e.getMessage(), e.hint(), e);
        }
    }

    private static JsonNode parse(String json, String variable) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new InvalidInputException(variable + " is not a JSON object", "see docs/runbook.md");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(
                    variable + " is not JSON (" + e.getOriginalMessage() + ")", "see docs/runbook.md");
        }
    }
}
