package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 13: dumps past Lambda's limits run as an ECS Fargate task from the dump function's own image, routed by a
 * state machine that asks the function where each run goes and runs the task to completion.
 */
class FargateDumpsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static Template source;
    static Stack stack;

    /** db0 (runOn: auto) and db2 (Lambda only) in one account and Region. */
    static String config() {
        return FleetSynthTest.fleet(3, 1, 1)
                .replace(
                        "secret:lifeboat/db0-AbCdEf\n",
                        "secret:lifeboat/db0-AbCdEf\n      runOn: auto\n      fargateShare: 0.6\n");
    }

    @BeforeAll
    static void synth() {
        LifeboatApp.Stacks stacks = LifeboatApp.build(
                new App(),
                ConfigLoader.parse(config(), "fargate"),
                Path.of("..").toAbsolutePath().normalize());
        stack = stacks.sources().stream()
                .filter(s -> s.getStackName().endsWith("eu-west-1"))
                .findFirst()
                .orElseThrow();
        source = Template.fromStack(stack);
    }

    private static String json(Object o) throws Exception {
        return JSON.writeValueAsString(o);
    }

    @Test
    void theTask_runsTheFunctionsOwnImage_asTheDumpRole_inTheDatabasesNetwork() throws Exception {
        var tasks = source.findResources("AWS::ECS::TaskDefinition");
        assertThat(tasks).hasSize(1);
        Map<?, ?> props = (Map<?, ?>) tasks.values().iterator().next().get("Properties");
        Map<?, ?> container = (Map<?, ?>) ((List<?>) props.get("ContainerDefinitions")).getFirst();
        assertThat(json(container.get("EntryPoint"))).contains("\"dev.lifeboat.backup.DumpTask\"");
        assertThat(json(container.get("Environment")))
                .contains("LIFEBOAT_CONFIG_S3", "LIFEBOAT_CONFIG_SHA256", "LIFEBOAT_NETWORK")
                // The heap capped as the function's: no dump.jobs here, so up to 4 parts (48 + 8 + 8 x 16 MiB).
                .contains("{\"Name\":\"JAVA_TOOL_OPTIONS\",\"Value\":\"-Xmx184m -XX:MaxDirectMemorySize=64m"
                        + " -XX:+UseSerialGC\"}");
        assertThat(json(container.get("EntryPoint"))).doesNotContain("-Xmx").doesNotContain("MaxRAMPercentage");
        // The same image asset as the function: one build, the same hash in both image URIs.
        String functionImage =
                json(source.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("PackageType", "Image")))
                        .values()
                        .iterator()
                        .next());
        String hash = functionImage.replaceAll("(?s).*:([0-9a-f]{64})\\\".*", "$1");
        assertThat(hash).hasSize(64);
        assertThat(json(container.get("Image"))).contains(hash);
        assertThat(json(props.get("TaskRoleArn"))).contains("DumpFunctionRole");
        assertThat(json(source.findResources("AWS::IAM::Role")))
                .contains("ecs-tasks.amazonaws.com")
                .contains("lifeboat-dump-eu-west-1");
    }

    @Test
    void theStateMachine_routes_thenInvokesOrRunsTheTaskToCompletion_andAlarmsOnFailure() throws Exception {
        String machines = json(source.findResources("AWS::StepFunctions::StateMachine"));
        assertThat(machines)
                .contains("lifeboat-scheduled-dumps")
                .contains("WhereDoesItRun")
                .contains("LambdaOrFargate")
                .contains("ecs:runTask.sync")
                .contains("LIFEBOAT_DATABASES")
                .contains("AwsvpcConfiguration")
                .contains("subnet-0a1b2c3d4e5f60718")
                .doesNotContain("\\\"AssignPublicIp\\\":\\\"ENABLED\\\"");
        source.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Match.objectLike(Map.of("MetricName", "ExecutionsFailed", "Threshold", 1)));
        // db0's schedule starts the state machine; db2's still invokes the function.
        var schedules = source.findResources("AWS::Scheduler::Schedule");
        String db0 = json(schedules.entrySet().stream()
                .filter(e -> e.getKey().contains("db0"))
                .findFirst()
                .orElseThrow()
                .getValue());
        String db2 = json(schedules.entrySet().stream()
                .filter(e -> e.getKey().contains("db2"))
                .findFirst()
                .orElseThrow()
                .getValue());
        assertThat(db0).contains("ScheduledDumps").contains("\\\"ids\\\": \\\"db0\\\"");
        assertThat(db2).doesNotContain("ScheduledDumps").contains("DumpFunction");
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + " " + m.getEntry().getData())
                .isEmpty();
    }

    @Test
    void fargateWithEndpointEgress_isRefusedAtSynth_sayingWhy() {
        String endpoints = config().replace(
                        "      egress: nat\n",
                        "      egress: {mode: endpoints, routeTableIds: [rtb-0a1b2c3d4e5f60718]}\n");
        assertThatThrownBy(() -> LifeboatApp.build(
                        new App(),
                        ConfigLoader.parse(endpoints, "fargate"),
                        Path.of("..").toAbsolutePath().normalize()))
                .hasMessageContaining("dump.runOn")
                .hasMessageContaining("egress: nat");
    }
}
