package dev.lifeboat.adapters.aws;

import dev.lifeboat.core.port.TaskCallbacks;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@link TaskCallbacks} on Step Functions: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html). The API limits the
 * failure's error to 256 characters and its cause to 32,768; longer ones are cut, never refused.
 */
public final class AwsTaskCallbacks implements TaskCallbacks {
    static final int MAX_ERROR = 256;
    static final int MAX_CAUSE = 32_768;

    private final SfnClient sfn;
    private final String region;

    public AwsTaskCallbacks(SfnClient sfn, String region) {
        this.sfn = sfn;
        this.region = region;
    }

    @Override
    public void success(String taskToken, String outputJson) {
        call(
                "SendTaskSuccess",
                () -> sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(outputJson)));
    }

    @Override
    public void failure(String taskToken, String error, String cause) {
        call(
                "SendTaskFailure",
                () -> sfn.sendTaskFailure(
                        b -> b.taskToken(taskToken).error(cut(error, MAX_ERROR)).cause(cut(cause, MAX_CAUSE))));
    }

    @Override
    public void heartbeat(String taskToken) {
        call("SendTaskHeartbeat", () -> sfn.sendTaskHeartbeat(b -> b.taskToken(taskToken)));
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private void call(String api, Runnable r) {
        try {
            r.run();
        } catch (SdkException e) {
            throw AwsErrors.translate("Step Functions", api, region, e);
        }
    }
}
