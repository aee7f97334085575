package dev.lifeboat.infra;

import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.StepProtocol;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.amazon.awscdk.services.stepfunctions.tasks.SnsPublish;
import software.constructs.Construct;

/**
 * The snapshot pipeline's state machine ({@link Names#SNAPSHOT_STATE_MACHINE}): invoke a step of the snapshot step
 * function, wait as long as it says, again until done; a failed run notifies the topic and fails. The step function
 * holds the pipeline's logic; the machine only paces it. Made in the backup stack's own scope, so its states and
 * resources keep their logical ids.
 */
final class SnapshotPipeline {
    private SnapshotPipeline() {}

    static StateMachine create(
            Construct scope, Function snapshotStep, Topic alarms, Key alarmKey, java.time.Duration widest) {
        LambdaInvoke step = LambdaInvoke.Builder.create(scope, "AdvanceRun")
                .lambdaFunction(snapshotStep)
                .payloadResponseOnly(true)
                .retryOnServiceExceptions(true)
                .build();
        Wait wait = Wait.Builder.create(scope, "WaitAsTold")
                .time(WaitTime.secondsPath(StepProtocol.path(StepProtocol.WAIT_SECONDS)))
                .build();
        SnsPublish notify = SnsPublish.Builder.create(scope, "NotifyFailure")
                .topic(alarms)
                .message(TaskInput.fromJsonPathAt("$.message"))
                .resultPath("$.notified")
                .build();
        Choice done = Choice.Builder.create(scope, "Done?")
                .build()
                .when(
                        Condition.stringEquals(StepProtocol.path(StepProtocol.STATUS), StepProtocol.STATUS_DONE),
                        new Succeed(scope, "CopyAvailable"))
                .when(
                        Condition.stringEquals(StepProtocol.path(StepProtocol.STATUS), StepProtocol.STATUS_FAILED),
                        notify.next(Fail.Builder.create(scope, "RunFailed").build()))
                .otherwise(wait.next(step));
        LogGroup pipelineLogs = LogGroup.Builder.create(scope, "SnapshotPipelineLogs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Choice pipelineStart = RunStarts.startAt(scope, "Pipeline", step.next(done));
        StateMachine snapshotPipeline = StateMachine.Builder.create(scope, "SnapshotPipeline")
                .stateMachineName(Names.SNAPSHOT_STATE_MACHINE)
                .definitionBody(DefinitionBody.fromChainable(pipelineStart))
                .timeout(Duration.hours(24 + widest.toHours() + 1))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(pipelineLogs)
                        .level(LogLevel.ALL)
                        .build())
                .build();
        // Publishing to the encrypted topic needs the topic's key too; the SnsPublish task grants only sns:Publish.
        alarmKey.grant(snapshotPipeline.getRole(), "kms:Decrypt", "kms:GenerateDataKey*");
        return snapshotPipeline;
    }
}
