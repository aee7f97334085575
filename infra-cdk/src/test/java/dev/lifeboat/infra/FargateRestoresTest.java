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
 * Issue 13: dump restores and verification checks too large for Lambda run as an ECS Fargate task in the backup
 * account, from the restore function's own image: a state machine for restores by hand, and the verification run's
 * check step with its task token.
 */
class FargateRestoresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static Template backup;
    static Template source;
    static Stack stack;

    /** FargateDumpsTest's fleet (db0 dumps with runOn: auto), the task's storage raised to 60 GiB. */
    static String config() {
        return FargateDumpsTest.config()
                .replace("    egress: nat\ndatabases:", "    egress: nat\n    taskStorageGiB: 60\ndatabases:");
    }

    @BeforeAll
    static void synth() throws Exception {
        assertThat(config()).contains("taskStorageGiB: 60");
        // scripts/test.sh synthesizes this lifeboat.yml with the real CLI and lints its templates (cfn-lint, checkov,
        // asl-validator): the Fargate paths are not in docs/lifeboat.example.yml.
        java.nio.file.Path out = Path.of("target", "fargate");
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.writeString(out.resolve("lifeboat-fargate.yml"), config());
        LifeboatApp.Stacks stacks = LifeboatApp.build(
                new App(),
                ConfigLoader.parse(config(), "fargate"),
                Path.of("..").toAbsolutePath().normalize());
        stack = stacks.backup();
        backup = Template.fromStack(stack);
        source = Template.fromStack(stacks.sources().stream()
                .filter(s -> s.getStackName().endsWith("eu-west-1"))
                .findFirst()
                .orElseThrow());
    }

    private static String json(Object o) throws Exception {
        return JSON.writeValueAsString(o);
    }

    private static Map<?, ?> taskDefinition(String family) {
        return (Map<?, ?>) backup.findResources("AWS::ECS::TaskDefinition").values().stream()
                .map(t -> (Map<?, ?>) t.get("Properties"))
                .filter(p -> family.equals(p.get("Family")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no task definition " + family));
    }

    @Test
    void theTasks_runTheRestoreFunctionsImage_asItsRoles_withTheConfiguredStorage() throws Exception {
        Map<?, ?> restore = taskDefinition("lifeboat-dump-restore");
        Map<?, ?> check = taskDefinition("lifeboat-verification-check");
        String functionImage = json(backup.findResources(
                        "AWS::Lambda::Function", Map.of("Properties", Map.of("FunctionName", "lifeboat-restore")))
                .values()
                .iterator()
                .next());
        String hash = functionImage.replaceAll("(?s).*:([0-9a-f]{64})\\\".*", "$1");
        assertThat(hash).hasSize(64);
        for (Map<?, ?> t : List.of(restore, check)) {
            Map<?, ?> container = (Map<?, ?>) ((List<?>) t.get("ContainerDefinitions")).getFirst();
            assertThat(json(container.get("EntryPoint"))).contains("\"dev.lifeboat.restore.RestoreTask\"");
            assertThat(json(container.get("Image"))).contains(hash);
            assertThat(json(container.get("Environment")))
                    .contains("LIFEBOAT_CONFIG_S3", "LIFEBOAT_CONFIG_SHA256", "LIFEBOAT_NETWORK")
                    .contains("{\"Name\":\"JAVA_TOOL_OPTIONS\",\"Value\":\"-Xmx160m -XX:MaxDirectMemorySize=64m"
                            + " -XX:+UseSerialGC\"}");
            assertThat(t.get("EphemeralStorage")).isEqualTo(Map.of("SizeInGiB", 60));
            // StopTask's SIGTERM leaves the entrypoint time to clean up (OnSignal) before SIGKILL.
            assertThat(container.get("StopTimeout")).isEqualTo(90);
        }
        assertThat(json(restore.get("TaskRoleArn"))).contains("RestoreFunction");
        assertThat(json(check.get("TaskRoleArn"))).contains("VerificationStepFunction");
        // ECS may assume the two roles, for tasks of this account only.
        String roles = json(backup.findResources("AWS::IAM::Role"));
        assertThat(roles).contains("ecs-tasks.amazonaws.com").contains("arn:aws:ecs:eu-central-1:222222222222:*");
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + " " + m.getEntry().getData())
                .isEmpty();
    }

    @Test
    void aRestoreByHand_runsThePayloadAsTheTask_toCompletion_inTheBackupNetwork_andAlarmsWhenItFails()
            throws Exception {
        String machines = json(backup.findResources(
                "AWS::StepFunctions::StateMachine",
                Map.of("Properties", Map.of("StateMachineName", "lifeboat-dump-restores"))));
        assertThat(machines)
                .contains("ecs:runTask.sync")
                .contains("LIFEBOAT_RESTORE")
                .contains("States.JsonToString($)")
                .contains("subnet-0b1c2d3e4f5a60718")
                .contains("sg-0b1c2d3e4f5a60718")
                .doesNotContain("\\\"AssignPublicIp\\\":\\\"ENABLED\\\"");
        assertThat(json(backup.findResources("AWS::CloudWatch::Alarm"))).contains("a dump restore on Fargate failed");
    }

    @Test
    void theVerificationRun_sendsAFargateCheckToTheTask_withItsToken_andCatchesItsFailureForCleanup() throws Exception {
        String verification = json(backup.findResources(
                "AWS::StepFunctions::StateMachine",
                Map.of("Properties", Map.of("StateMachineName", "lifeboat-verification"))));
        assertThat(verification)
                .contains("ecs:runTask.waitForTaskToken")
                .contains("LIFEBOAT_TASK_TOKEN")
                .contains("$$.Task.Token")
                .contains("\\\"HeartbeatSeconds\\\":300")
                .contains("\\\"ResultPath\\\":\\\"$.taskFailure\\\"");
        // The verification role answers for the check task: SendTaskSuccess and its kin, on this state machine only.
        String policies = json(backup.findResources("AWS::IAM::Policy"));
        assertThat(policies).contains("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat");
    }

    /**
     * CDK's ecs:runTask integrations grant ecs:StopTask and ecs:DescribeTasks on "*"; EcsTaskScope narrows them to
     * the tasks of Lifeboat's own clusters (found by checkov, CKV_AWS_111, on the first lint of these templates).
     */
    @Test
    void theStateMachines_mayStopAndDescribeOnlyTheTasksOfTheirOwnCluster() throws Exception {
        int narrowed = 0;
        for (var entry : List.of(
                Map.entry(backup, "arn:aws:ecs:eu-central-1:222222222222:task/lifeboat-restores/*"),
                Map.entry(source, "arn:aws:ecs:eu-west-1:100000000000:task/lifeboat-dumps/*"))) {
            for (Map<String, Object> p :
                    entry.getKey().findResources("AWS::IAM::Policy").values()) {
                Map<?, ?> doc = (Map<?, ?>) ((Map<?, ?>) p.get("Properties")).get("PolicyDocument");
                for (Object o : (List<?>) doc.get("Statement")) {
                    Map<?, ?> st = (Map<?, ?>) o;
                    if (json(st.get("Action")).contains("ecs:StopTask")) {
                        assertThat(st.get("Resource")).isEqualTo(entry.getValue());
                        narrowed++;
                    }
                }
            }
        }
        // The dump-restore machine, the verification machine, and the source account's scheduled dumps.
        assertThat(narrowed).isEqualTo(3);
    }

    @Test
    void fargateRestores_needABackupNetworkWithNat_andSaySo() {
        // Without scheduled verifications (which need the network for themselves) and without the network.
        String noNetwork = config().replaceAll("(?s)  network:\\n.*?taskStorageGiB: 60\\n", "")
                .replace("      verify: cron(0 6 ? * MON *)\n", "");
        assertThat(noNetwork).doesNotContain("network:");
        assertThatThrownBy(() -> LifeboatApp.build(
                        new App(),
                        ConfigLoader.parse(noNetwork, "f"),
                        Path.of("..").toAbsolutePath().normalize()))
                .hasMessageContaining("db0.dump.runOn")
                .hasMessageContaining("set backup.network");
        String endpoints = config().replace(
                        "    egress: nat\n    taskStorageGiB: 60\n",
                        "    egress: {mode: endpoints, routeTableIds: [rtb-0a1b2c3d4e5f60718]}\n");
        assertThatThrownBy(() -> LifeboatApp.build(
                        new App(),
                        ConfigLoader.parse(endpoints, "f"),
                        Path.of("..").toAbsolutePath().normalize()))
                .hasMessageContaining("pulls its image from ECR")
                .hasMessageContaining("egress: nat");
    }
}
