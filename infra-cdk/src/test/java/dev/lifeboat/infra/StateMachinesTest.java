package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.protocol.StepProtocol;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The state machines the CDK app deploys, executed: a small interpreter of the Amazon States Language
 * subset they use (Task, Wait, Choice, Succeed, Fail; see
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html) walks the
 * synthesized definition, a scripted function answering each invocation with what the protocol lets a
 * step function answer. It proves the definition reads the protocol as the functions write it: wait when
 * told, end at done, notify and fail when a run failed.
 */
class StateMachinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode verification;
    private static JsonNode pipeline;
    /** The verification machine of a deployment whose database's dumps may run on Fargate (issue 13). */
    private static JsonNode verificationWithFargate;

    @BeforeAll
    static void synth() throws Exception {
        App app = new App();
        LifeboatApp.Stacks stacks = LifeboatApp.build(
                app,
                ConfigLoader.load(Path.of("../docs/lifeboat.example.yml")),
                Path.of("..").toAbsolutePath().normalize());
        Map<String, Map<String, Object>> machines =
                Template.fromStack(stacks.backup()).findResources("AWS::StepFunctions::StateMachine");
        for (Map<String, Object> m : machines.values()) {
            JsonNode definition = JSON.readTree(joined(((Map<?, ?>) m.get("Properties")).get("DefinitionString")));
            if (definition.path("States").has("NextVerificationStep")) {
                verification = definition;
            } else {
                pipeline = definition;
            }
        }
        assertThat(verification).as("the verification state machine").isNotNull();
        assertThat(pipeline).as("the snapshot pipeline").isNotNull();
        LifeboatApp.Stacks fargate = LifeboatApp.build(
                new App(),
                ConfigLoader.parse(FargateRestoresTest.config(), "fargate"),
                Path.of("..").toAbsolutePath().normalize());
        for (Map<String, Object> m : Template.fromStack(fargate.backup())
                .findResources("AWS::StepFunctions::StateMachine")
                .values()) {
            JsonNode definition = JSON.readTree(joined(((Map<?, ?>) m.get("Properties")).get("DefinitionString")));
            if (definition.path("States").has("NextVerificationStep")) {
                verificationWithFargate = definition;
            }
        }
        assertThat(verificationWithFargate).isNotNull();
    }

    /** The definition string: an Fn::Join whose references (function ARNs, the topic) become placeholders. */
    private static String joined(Object definition) {
        if (definition instanceof String s) {
            return s;
        }
        List<?> join = (List<?>) ((Map<?, ?>) definition).get("Fn::Join");
        StringBuilder out = new StringBuilder();
        for (Object part : (List<?>) join.get(1)) {
            out.append(part instanceof String s ? s : "arn:reference");
        }
        return out.toString();
    }

    /** What one execution did. */
    record Execution(
            List<String> invoked,
            List<String> tasks,
            List<Long> waits,
            List<String> until,
            List<String> published,
            String end,
            JsonNode output) {}

    /**
     * Runs {@code definition} from {@code input}; each function invocation, and each task that reports with its token,
     * answers the next of {@code answers}. An answer {@code !ERROR} fails that state with the error ERROR, which its
     * Catch handles (ResultPath: the error and its cause beside the input) or ends the execution.
     */
    private static Execution run(JsonNode definition, String input, List<String> answers) throws Exception {
        Deque<String> script = new ArrayDeque<>(answers);
        List<String> invoked = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        List<Long> waits = new ArrayList<>();
        List<String> until = new ArrayList<>();
        List<String> published = new ArrayList<>();
        JsonNode data = JSON.readTree(input);
        String name = definition.path("StartAt").asText();
        for (int steps = 0; steps < 100; steps++) {
            JsonNode state = definition.path("States").path(name);
            assertThat(state.isMissingNode()).as("state " + name).isFalse();
            String next = state.path("Next").asText(null);
            switch (state.path("Type").asText()) {
                case "Task" -> {
                    String resource = state.path("Resource").asText();
                    if (resource.endsWith(":sns:publish")) {
                        published.add(at(data, state.at("/Parameters/Message.$").asText())
                                .asText());
                        ((ObjectNode) data).set(field(state.path("ResultPath").asText()), JSON.createObjectNode());
                    } else {
                        assertThat(script)
                                .as("the function was invoked more often than scripted")
                                .isNotEmpty();
                        boolean task = resource.endsWith(":ecs:runTask.waitForTaskToken");
                        (task ? tasks : invoked).add(data.toString());
                        String answer = script.removeFirst();
                        if (answer.startsWith("!")) {
                            JsonNode catcher = catcher(state, answer.substring(1));
                            if (catcher == null) {
                                return new Execution(invoked, tasks, waits, until, published, "Fail", data);
                            }
                            ((ObjectNode) data)
                                    .putObject(field(catcher.path("ResultPath").asText()))
                                    .put("Error", answer.substring(1))
                                    .put("Cause", "scripted failure");
                            name = catcher.path("Next").asText();
                            continue;
                        }
                        // payloadResponseOnly, or the task's SendTaskSuccess: the output is the answer
                        data = JSON.readTree(answer);
                    }
                }
                case "Wait" -> {
                    if (state.has("TimestampPath")) {
                        until.add(at(data, state.path("TimestampPath").asText()).asText());
                    } else {
                        waits.add(at(data, state.path("SecondsPath").asText()).asLong());
                    }
                }
                case "Choice" -> {
                    next = state.path("Default").asText(null);
                    for (JsonNode rule : state.path("Choices")) {
                        if (matches(rule, data)) {
                            next = rule.path("Next").asText();
                            break;
                        }
                    }
                    assertThat(next).as("no choice matched " + data).isNotNull();
                }
                case "Succeed", "Fail" -> {
                    return new Execution(
                            invoked,
                            tasks,
                            waits,
                            until,
                            published,
                            state.path("Type").asText(),
                            data);
                }
                default -> throw new AssertionError("state type not modelled: " + state);
            }
            if (state.path("End").asBoolean(false)) {
                return new Execution(invoked, tasks, waits, until, published, "End", data);
            }
            name = next;
        }
        throw new AssertionError("the execution did not end in 100 states");
    }

    private static JsonNode catcher(JsonNode state, String error) {
        for (JsonNode c : state.path("Catch")) {
            for (JsonNode e : c.path("ErrorEquals")) {
                if (e.asText().equals(error) || e.asText().equals("States.ALL")) {
                    return c;
                }
            }
        }
        return null;
    }

    private static boolean matches(JsonNode rule, JsonNode data) {
        if (rule.has("And")) {
            for (JsonNode r : rule.path("And")) {
                if (!matches(r, data)) {
                    return false;
                }
            }
            return true;
        }
        JsonNode v = at(data, rule.path("Variable").asText());
        if (rule.has("IsPresent")) {
            return rule.path("IsPresent").asBoolean() != v.isMissingNode();
        }
        if (rule.has("StringEquals")) {
            return v.isTextual() && v.asText().equals(rule.path("StringEquals").asText());
        }
        if (rule.has("BooleanEquals")) {
            return v.isBoolean() && v.asBoolean() == rule.path("BooleanEquals").asBoolean();
        }
        throw new AssertionError("choice rule not modelled: " + rule);
    }

    private static JsonNode at(JsonNode data, String path) {
        assertThat(path).startsWith("$.");
        return data.path(field(path));
    }

    private static String field(String path) {
        return path.substring(2);
    }

    private static String verificationStep(String action, String extra) {
        return "{\"" + StepProtocol.ACTION + "\": \"" + action + "\", \"database\": \"orders\"" + extra + "}";
    }

    @Test
    void aVerificationRun_waitsWhereTold_invokesEachStep_andSucceedsAtDone() throws Exception {
        Execution e = run(
                verification,
                "{\"action\": \"start\", \"database\": \"orders\", \"runId\": \"2026-11-30T06:00:00Z\"}",
                List.of(
                        verificationStep(StepProtocol.POLL, ", \"waitSeconds\": 30"),
                        verificationStep(StepProtocol.POLL, ", \"waitSeconds\": 30"),
                        verificationStep(StepProtocol.CHECK, ""),
                        verificationStep(StepProtocol.CLEANUP, ""),
                        verificationStep(StepProtocol.FINISH, ""),
                        verificationStep(StepProtocol.DONE, ", \"success\": true, \"message\": \"passed\"")));

        assertThat(e.invoked()).hasSize(6);
        assertThat(e.invoked().getFirst()).contains("\"runId\":\"2026-11-30T06:00:00Z\"");
        assertThat(e.waits()).containsExactly(30L, 30L);
        assertThat(e.published()).isEmpty();
        assertThat(e.end()).isEqualTo("Succeed");
    }

    @Test
    void aFailedVerificationRun_notifiesTheMessage_andFails() throws Exception {
        Execution e = run(
                verification,
                "{\"action\": \"start\", \"database\": \"orders\"}",
                List.of(
                        verificationStep(StepProtocol.FINISH, ""),
                        verificationStep(
                                StepProtocol.DONE,
                                ", \"success\": false, \"message\": \"verification of orders FAILED: no copy\"")));

        assertThat(e.waits()).isEmpty();
        assertThat(e.published()).containsExactly("verification of orders FAILED: no copy");
        assertThat(e.end()).isEqualTo("Fail");
    }

    @Test
    void theSnapshotPipeline_waitsUntilDone_andNotifiesAFailedRun() throws Exception {
        Execution ok = run(
                pipeline,
                "{\"database\": \"orders\"}",
                List.of(
                        "{\"status\": \"IN_PROGRESS\", \"waitSeconds\": 60}",
                        "{\"status\": \"IN_PROGRESS\", \"waitSeconds\": 120}",
                        "{\"status\": \"DONE\"}"));
        assertThat(ok.waits()).containsExactly(60L, 120L);
        assertThat(ok.end()).isEqualTo("Succeed");

        Execution failed = run(
                pipeline,
                "{\"database\": \"orders\"}",
                List.of("{\"status\": \"FAILED\", \"message\": \"copy of orders failed: KMS access denied\"}"));
        assertThat(failed.published()).containsExactly("copy of orders failed: KMS access denied");
        assertThat(failed.end()).isEqualTo("Fail");
    }

    /** Issue 16: a run the fan-out started waits for its minute, then goes on with its input untouched. */
    @Test
    void aRunWithStartAt_waitsUntilThen_andOneWithout_startsAtOnce() throws Exception {
        String input =
                "{\"database\": \"orders\", \"runId\": \"2026-11-26T02:00:00Z\", \"startAt\": \"2026-11-26T03:17:00Z\"}";
        Execution spread = run(pipeline, input, List.of("{\"status\": \"DONE\"}"));
        assertThat(spread.until()).containsExactly("2026-11-26T03:17:00Z");
        assertThat(JSON.readTree(spread.invoked().getFirst())).isEqualTo(JSON.readTree(input));
        assertThat(spread.end()).isEqualTo("Succeed");

        Execution verify = run(
                verification,
                "{\"action\": \"start\", \"database\": \"orders\", \"runId\": \"2026-11-26T06:00:00Z\","
                        + " \"startAt\": \"2026-11-26T07:41:00Z\"}",
                List.of("{\"action\": \"done\", \"success\": true}"));
        assertThat(verify.until()).containsExactly("2026-11-26T07:41:00Z");

        assertThat(run(pipeline, "{\"database\": \"orders\"}", List.of("{\"status\": \"DONE\"}"))
                        .until())
                .isEmpty();
    }

    /** Issue 13: a check whose dump restore needs Fargate goes to the task, which answers with the next state. */
    @Test
    void aCheckRoutedToFargate_runsAsTheTask_andTheRunGoesOnWithItsAnswer() throws Exception {
        Execution e = run(
                verificationWithFargate,
                "{\"action\": \"start\", \"database\": \"db0\"}",
                List.of(
                        verificationStep(StepProtocol.POLL, ", \"waitSeconds\": 30"),
                        verificationStep(StepProtocol.CHECK, ", \"runOn\": \"FARGATE\""),
                        verificationStep(StepProtocol.CLEANUP, ""),
                        verificationStep(StepProtocol.FINISH, ""),
                        verificationStep(StepProtocol.DONE, ", \"success\": true, \"message\": \"passed\"")));

        assertThat(e.tasks()).singleElement().satisfies(t -> assertThat(t).contains("\"runOn\":\"FARGATE\""));
        assertThat(e.invoked()).hasSize(4);
        assertThat(e.end()).isEqualTo("Succeed");
        // The task gets the whole state and the token.
        JsonNode env = verificationWithFargate.at("/States/CheckOnFargate/Parameters/Overrides/ContainerOverrides/0");
        assertThat(env.toString())
                .contains("\"Name\":\"LIFEBOAT_STEP\",\"Value.$\":\"States.JsonToString($)\"")
                .contains("\"Name\":\"LIFEBOAT_TASK_TOKEN\",\"Value.$\":\"$$.Task.Token\"");
    }

    @Test
    void aCheckThatFailsOnFargate_goesBackToTheStepFunction_withTaskFailure_soTheRunCleansUp() throws Exception {
        Execution e = run(
                verificationWithFargate,
                "{\"action\": \"start\", \"database\": \"db0\"}",
                List.of(
                        verificationStep(StepProtocol.CHECK, ", \"runOn\": \"FARGATE\", \"run\": {}"),
                        "!States.HeartbeatTimeout",
                        verificationStep(StepProtocol.FINISH, ""),
                        verificationStep(
                                StepProtocol.DONE, ", \"success\": false, \"message\": \"check on Fargate failed\"")));

        JsonNode back = JSON.readTree(e.invoked().get(1));
        assertThat(back.path("action").asText()).isEqualTo(StepProtocol.CHECK);
        assertThat(back.path("run").isObject())
                .as("the run's state goes back with the failure")
                .isTrue();
        assertThat(back.at("/taskFailure/Error").asText()).isEqualTo("States.HeartbeatTimeout");
        assertThat(e.published()).containsExactly("check on Fargate failed");
        assertThat(e.end()).isEqualTo("Fail");
    }

    @Test
    void withoutFargate_aStateThatAsksForIt_stillRunsInTheFunction() throws Exception {
        Execution e = run(
                verification,
                "{\"action\": \"start\", \"database\": \"orders\"}",
                List.of(
                        verificationStep(StepProtocol.CHECK, ", \"runOn\": \"FARGATE\""),
                        verificationStep(StepProtocol.DONE, ", \"success\": true")));
        assertThat(e.tasks()).isEmpty();
        assertThat(e.invoked()).hasSize(2);
    }
}
