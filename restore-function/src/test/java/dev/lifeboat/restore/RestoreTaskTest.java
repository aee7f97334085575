package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.port.TaskCallbacks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the backup account's Fargate task, as the state machines start it: a dump restore payload, or a
 * verification step with its task token, reported back (success, failure, heartbeats) to Step Functions.
 */
class RestoreTaskTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the task told Step Functions, in order. */
    static final class Recorded implements TaskCallbacks {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void success(String taskToken, String outputJson) {
            calls.add("success " + taskToken + " " + outputJson);
        }

        @Override
        public void failure(String taskToken, String error, String cause) {
            calls.add("failure " + taskToken + " " + error + " " + cause);
        }

        @Override
        public void heartbeat(String taskToken) {
            calls.add("heartbeat " + taskToken);
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Recorded sfn = new Recorded();
    private final AtomicInteger built = new AtomicInteger();

    private int run(Map<String, String> env, RestoreTask.Work work) {
        return RestoreTask.run(
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                () -> {
                    built.incrementAndGet();
                    return work;
                },
                sfn,
                Duration.ofMillis(20));
    }

    private static RestoreTask.Work steps(java.util.function.Function<JsonNode, JsonNode> step) {
        return new RestoreTask.Work() {
            @Override
            public JsonNode restore(dev.lifeboat.protocol.request.RestoreRequest request, Duration budget) {
                throw new AssertionError("no restore here");
            }

            @Override
            public JsonNode step(JsonNode state, Duration budget) {
                assertThat(budget).isEqualTo(RestoreTask.TIMEOUT);
                return step.apply(state);
            }
        };
    }

    @Test
    void aVerificationStep_sendsItsNextStateWithTheToken_andHeartbeatsWhileItWorks() throws Exception {
        int exit = run(
                Map.of(
                        RestoreTask.STEP,
                        "{\"action\":\"check\",\"database\":\"orders\"}",
                        RestoreTask.TASK_TOKEN,
                        "tok-1"),
                steps(state -> {
                    try {
                        Thread.sleep(150); // long enough for a few beats
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return JSON.createObjectNode()
                            .put("action", "cleanup")
                            .put("database", state.path("database").asText());
                }));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(sfn.calls.getFirst()).isEqualTo("heartbeat tok-1");
        assertThat(sfn.calls.stream().filter(c -> c.startsWith("heartbeat")).count())
                .isGreaterThanOrEqualTo(3);
        assertThat(sfn.calls.getLast()).isEqualTo("success tok-1 {\"action\":\"cleanup\",\"database\":\"orders\"}");
        assertThat(sfn.calls).noneMatch(c -> c.startsWith("failure"));
        // No beat after the result: the state machine has moved on.
        int after = sfn.calls.size();
        Thread.sleep(100);
        assertThat(sfn.calls).hasSize(after);
    }

    @Test
    void aStepThatFails_isReportedAsAFailure_soTheRunCatchesItAndCleansUp() {
        int exit = run(
                Map.of(
                        RestoreTask.STEP,
                        "{\"action\":\"check\",\"database\":\"orders\"}",
                        RestoreTask.TASK_TOKEN,
                        "tok-2"),
                steps(state -> {
                    throw new DatabaseAccessException("cannot reach the instance", "check its security group");
                }));

        assertThat(exit).isEqualTo(1);
        assertThat(sfn.calls.getLast())
                .startsWith("failure tok-2 Lifeboat.StepFailed")
                .contains("cannot reach the instance");
        assertThat(sfn.calls).noneMatch(c -> c.startsWith("success"));
    }

    @Test
    void aStepThatIsNotJson_isAFailureNamingTheVariable() {
        int exit = run(Map.of(RestoreTask.STEP, "{not json", RestoreTask.TASK_TOKEN, "tok-3"), steps(s -> s));

        assertThat(exit).isEqualTo(2);
        assertThat(sfn.calls.getLast())
                .startsWith("failure tok-3 Lifeboat.InvalidInput")
                .contains("LIFEBOAT_STEP");
    }

    @Test
    void aTaskStartedWrongly_saysWhatToSet_andDoesNothing() {
        assertThat(run(Map.of(), steps(s -> s))).isEqualTo(2);
        // Which Lifeboat this is comes first, in the task's log, whatever follows.
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("starting lifeboat "
                        + dev.lifeboat.protocol.BuildInfo.current().version() + " (commit ")
                .contains("LIFEBOAT_RESTORE", "LIFEBOAT_STEP");
        assertThat(run(Map.of(RestoreTask.STEP, "{}"), steps(s -> s))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("LIFEBOAT_TASK_TOKEN");
        assertThat(run(Map.of(RestoreTask.STEP, "{}", RestoreTask.RESTORE, "{}"), steps(s -> s)))
                .isEqualTo(2);
        assertThat(built).hasValue(0);
        assertThat(sfn.calls).isEmpty();
    }

    @Test
    void aRestorePayload_mustRestoreADump() {
        int exit = run(
                Map.of(
                        RestoreTask.RESTORE,
                        "{\"database\":\"orders\",\"from\":\"snapshot\",\"targetInstance\":\"orders-2\"}"),
                steps(s -> s));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the task restores dumps", "not a snapshot restore");
        assertThat(built).hasValue(0);
    }

    /** Issue 35: the task reads the restore function's request type, as strictly, before anything is built. */
    @Test
    void aRestorePayload_isReadAsTheFunctionReadsIt_andTheTaskHandsOverItsWholeLimit() {
        String base = "{\"database\":\"orders\",\"from\":\"dump\",\"targetSecretArn\":\"arn:s\"";
        assertThat(run(Map.of(RestoreTask.RESTORE, base + ",\"jobs\":\"3\"}"), steps(s -> s)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("LIFEBOAT_RESTORE: field 'jobs' must be a whole number");
        assertThat(run(Map.of(RestoreTask.RESTORE, base + ",\"dryRun\":true,\"dryRun\":false}"), steps(s -> s)))
                .isEqualTo(2);
        assertThat(built).hasValue(0);

        java.util.List<Duration> budgets = new java.util.ArrayList<>();
        RestoreTask.Work recording = new RestoreTask.Work() {
            @Override
            public JsonNode restore(dev.lifeboat.protocol.request.RestoreRequest request, Duration budget) {
                assertThat(request).isInstanceOf(dev.lifeboat.protocol.request.DumpRestore.class);
                budgets.add(budget);
                return JSON.createObjectNode().put("status", "AVAILABLE");
            }

            @Override
            public JsonNode step(JsonNode state, Duration budget) {
                throw new AssertionError("no step here");
            }
        };
        assertThat(run(Map.of(RestoreTask.RESTORE, base + ",\"timeoutMinutes\":90}"), recording))
                .isZero();
        assertThat(run(Map.of(RestoreTask.RESTORE, base + "}"), recording)).isZero();
        assertThat(run(Map.of(RestoreTask.RESTORE, base + ",\"timeoutMinutes\":100000}"), recording))
                .isZero();
        // The task hands over its whole limit; the handler applies the payload's (RestoreHandler.requestsLimit).
        assertThat(budgets).containsExactly(RestoreTask.TIMEOUT, RestoreTask.TIMEOUT, RestoreTask.TIMEOUT);
    }
}
