package dev.lifeboat.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Stack;

/** Every cdk-nag finding Lifeboat accepts, each with its reason. */
final class Suppressions {
    private Suppressions() {}

    static void apply(BackupAccountStack backup, List<SourceAccountStack> sources) {
        NagSuppressions.addStackSuppressions(
                backup,
                List.of(
                        s(
                                "AwsSolutions-IAM4",
                                "Lambda functions use AWSLambdaBasicExecutionRole for their own logs only"),
                        s(
                                "AwsSolutions-IAM5",
                                "wildcards are confined to describe/list actions, lifeboat-* snapshot names, the backup key's"
                                        + " grants and the vault's objects (see Policies and PoliciesTest)"),
                        s(
                                "AwsSolutions-S1",
                                "the access-log bucket is the log destination; logging it into itself would loop"),
                        s("AwsSolutions-SQS3", "this queue is the dead-letter queue")));
        for (Stack source : sources) {
            source(source);
        }
    }

    /** A source account's stack, or the StackSet's baseline. */
    static void source(Stack source) {
        NagSuppressions.addStackSuppressions(
                source,
                List.of(
                        s(
                                "AwsSolutions-IAM5",
                                "describe actions need '*'; snapshot actions are limited to lifeboat-* and automated"
                                        + " (rds:*) snapshot names of this account and Region; the dump function adds objects under the vault"),
                        s(
                                "AwsSolutions-IAM4",
                                "the dump function uses AWSLambdaVPCAccessExecutionRole for its network interfaces and logs")));
    }

    private static NagPackSuppression s(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }
}
