package dev.lifeboat.adapters.aws;

import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.core.port.Notifier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** {@link Notifier} to an SNS topic (the notifications topic the CDK app makes, encrypted with its own key). */
public final class SnsNotifier implements Notifier {
    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void send(String subject, String message) {
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message));
        } catch (AwsServiceException e) {
            throw new AwsCallFailedException(
                    "sns:Publish to " + topicArn + " was refused: "
                            + e.awsErrorDetails().errorMessage(),
                    e.awsErrorDetails().errorCode(),
                    "check the function role's sns:Publish, and kms:GenerateDataKey* on the topic's key",
                    e);
        } catch (SdkException e) {
            throw new AwsCallFailedException(
                    "sns:Publish to " + topicArn + " got no answer: " + e.getMessage(),
                    null,
                    "check the function's network path to SNS",
                    e);
        }
    }
}
