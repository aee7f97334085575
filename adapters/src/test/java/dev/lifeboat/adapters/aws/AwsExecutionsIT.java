package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.core.port.Executions;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The fan-out's starts against moto's Step Functions: a name starts one execution, the same name again starts
 * none (StartExecution's documented uniqueness), and a state machine that is not there fails naming it.
 */
@ExtendWith(RealParts.class)
class AwsExecutionsIT {
    @Test
    void aName_startsOneExecution_andAgainNone(MotoServer moto) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (SfnClient sfn = moto.clients().sfn("eu-west-1")) {
            String pipeline = "lifeboat-snapshot-pipeline-" + suffix;
            String arn = sfn.createStateMachine(b -> b.name(pipeline)
                            .roleArn("arn:aws:iam::123456789012:role/sfn")
                            .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}"))
                    .stateMachineArn();
            AwsExecutions executions = new AwsExecutions(
                    sfn,
                    "123456789012",
                    "eu-west-1",
                    Map.of(
                            Executions.Machine.SNAPSHOT_PIPELINE,
                            pipeline,
                            Executions.Machine.VERIFICATION,
                            "lifeboat-verification-missing-" + suffix));
            String input = "{\"database\":\"orders\",\"runId\":\"2026-11-26T02:00:00Z\"}";

            assertThat(executions.start(Executions.Machine.SNAPSHOT_PIPELINE, "orders-s-20261126T0200", input))
                    .isEqualTo(Executions.Outcome.STARTED);
            // Running: the same name and input answers with that execution.
            assertThat(executions.start(Executions.Machine.SNAPSHOT_PIPELINE, "orders-s-20261126T0200", input))
                    .isEqualTo(Executions.Outcome.ALREADY_STARTED);
            // Another input under the same name (a second firing that computed something else): refused by name.
            assertThat(executions.start(
                            Executions.Machine.SNAPSHOT_PIPELINE,
                            "orders-s-20261126T0200",
                            input.replace("orders", "x")))
                    .isEqualTo(Executions.Outcome.ALREADY_STARTED);
            assertThat(sfn.listExecutions(b -> b.stateMachineArn(arn)).executions())
                    .singleElement()
                    .satisfies(e -> assertThat(e.name()).isEqualTo("orders-s-20261126T0200"));

            assertThatThrownBy(() -> executions.start(Executions.Machine.VERIFICATION, "orders-v-1", input))
                    .isInstanceOf(AwsCallFailedException.class)
                    .hasMessageContaining("lifeboat-verification-missing-" + suffix);
        }
    }
}
