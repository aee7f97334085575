package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a function in a private subnet without a path to an AWS API failed only when Lambda timed it out,
 * with a message that did not say why. Its clients now give up after the connect timeout and say which function,
 * in which subnets, has no path to which service. The endpoint here is a local port nothing listens on.
 */
class NetworkPathsTest {
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSecretThatCannotBeReached_isReportedAsNoNetworkPath_namingTheFunctionSubnetsAndService() throws IOException {
        Map<String, String> env = Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:" + closedPort(),
                "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing",
                "AWS_LAMBDA_FUNCTION_NAME", "lifeboat-dump-eu-west-1",
                "LIFEBOAT_NETWORK", "vpc-0a1b2c3d4e5f60718 subnets subnet-0a1b2c3d4e5f60718 (egress: nat)");
        Instant start = Instant.now();
        try (AwsClients aws = AwsClients.fromEnvironment(env)) {
            assertThatThrownBy(() -> aws.secretSource().databaseTarget("lifeboat/orders"))
                    .isInstanceOf(AwsCallFailedException.class)
                    .hasMessageStartingWith("no network path from lifeboat-dump-eu-west-1 in vpc-0a1b2c3d4e5f60718"
                            + " subnets subnet-0a1b2c3d4e5f60718 (egress: nat) to Secrets Manager")
                    .satisfies(e -> assertThat(((LifeboatException) e).hint())
                            .contains("add an endpoint for Secrets Manager or a NAT route")
                            .contains("docs/deploy.md, Egress"));
        }
        assertThat(Duration.between(start, Instant.now()))
                .as("the SDK's attempts within the connect timeout, not a Lambda timeout")
                .isLessThan(AwsClients.API_CALL_TIMEOUT);
    }

    @Test
    void outsideAVpcFunction_theMessageSaysNoAnswer_withoutGuessingAtSubnets() throws IOException {
        Map<String, String> env = Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:" + closedPort(),
                "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing");
        try (AwsClients aws = AwsClients.fromEnvironment(env)) {
            assertThatThrownBy(() -> aws.secretSource().databaseTarget("lifeboat/orders"))
                    .hasMessageStartingWith("Secrets Manager GetSecretValue lifeboat/orders got no answer")
                    .hasMessageNotContaining("subnets");
        }
    }
}
