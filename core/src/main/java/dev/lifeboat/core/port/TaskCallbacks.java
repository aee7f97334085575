package dev.lifeboat.core.port;

/**
 * How a task that a state machine started with a task token reports back (issue 13: a verification run's check step
 * on ECS Fargate): the step's output, or its failure, and heartbeats while it works, so that a task that dies silently
 * is noticed within the state's heartbeat interval instead of its timeout
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 */
public interface TaskCallbacks {
    /** The step's output, a JSON document: the state machine goes on with it. */
    void success(String taskToken, String outputJson);

    /** The step failed: {@code error} a short name, {@code cause} what to tell the operator. */
    void failure(String taskToken, String error, String cause);

    /** Still working. */
    void heartbeat(String taskToken);
}
