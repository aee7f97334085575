package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.error.AwsCallFailedException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.model.RdsException;

/** What an operator reads when an AWS call fails: the call, where, AWS's code, and what to check. */
class AwsErrorsTest {
    private static RdsException rds(String code, int status, String message) {
        return (RdsException) RdsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("Rds")
                        .build())
                .build();
    }

    @Test
    void accessDenied_namesTheCallTheAccountAndTheRolesPolicy() {
        RuntimeException e = AwsErrors.translate(
                "RDS", "copySnapshot", "111111111111/eu-west-1", rds("AccessDenied", 403, "not authorized"));

        assertThat(e).isInstanceOf(AwsCallFailedException.class);
        assertThat(e.getMessage())
                .isEqualTo(
                        "RDS copySnapshot in 111111111111/eu-west-1 failed: AccessDenied (HTTP 403): not authorized");
        assertThat(((AwsCallFailedException) e).hint()).contains("IAM policy").contains("trust policy");
        assertThat(((AwsCallFailedException) e).errorCode()).isEqualTo("AccessDenied");
    }

    @Test
    void aKmsFault_pointsAtTheKeyPolicyAndTheIamPolicyBoth() {
        RuntimeException e = AwsErrors.translate(
                "RDS", "restore", "222222222222/eu-central-1", rds("KMSKeyNotAccessibleFault", 400, "key"));

        assertThat(((AwsCallFailedException) e).hint()).contains("key's policy").contains("IAM policy");
    }

    @Test
    void noAnswer_pointsAtTheNetworkPath() {
        RuntimeException e = AwsErrors.translate(
                "RDS",
                "snapshots",
                "222222222222/eu-central-1",
                SdkClientException.create("Unable to execute HTTP request: Connect timed out"));

        assertThat(e.getMessage()).startsWith("RDS snapshots in 222222222222/eu-central-1 got no answer");
        assertThat(((AwsCallFailedException) e).hint()).contains("network path").contains("NAT");
    }

    @Test
    void throttlingAndBusyStates_sayToRunAgain() {
        assertThat(AwsErrors.hint("RDS", "ThrottlingException", 400)).contains("run again later");
        assertThat(AwsErrors.hint("RDS", "InvalidDBInstanceState", 400)).contains("wait for it");
        assertThat(AwsErrors.hint("RDS", "SnapshotQuotaExceeded", 400)).contains("quota");
    }
}
