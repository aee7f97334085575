package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.StepProtocol;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
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
import software.amazon.awscdk.services.stepfunctions.tasks.EcsRunTask;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.amazon.awscdk.services.stepfunctions.tasks.SnsPublish;
import software.constructs.Construct;

/**
 * The verification state machine ({@link Names#VERIFICATION_STATE_MACHINE}): the verification step function holds the
 * table of steps (VerifyingBackup.advance); the machine only invokes it, waits when told, runs a check on the Fargate
 * task where the step says so (issue 13), and ends at "done", notifying when a run failed. Made in the backup stack's
 * own scope, so its states and resources keep their logical ids.
 */
final class VerificationRuns {
    final StateMachine stateMachine;

    /** The run's check on the Fargate task; a failure there goes back to the step function to clean up. */
    private EcsRunTask fargateCheck;

    VerificationRuns(
            Construct scope,
            LifeboatConfig.Backup backup,
            Function verifyStep,
            FargateRestores onFargate,
            Topic alarms,
            Key alarmKey,
            java.time.Duration widest) {
        LambdaInvoke verifyTask = LambdaInvoke.Builder.create(scope, "VerificationStep")
                .lambdaFunction(verifyStep)
                .payloadResponseOnly(true)
                .retryOnServiceExceptions(true)
                .build();
        Wait verifyWait = Wait.Builder.create(scope, "WaitForInstance")
                .time(WaitTime.secondsPath(StepProtocol.path(StepProtocol.WAIT_SECONDS)))
                .build();
        SnsPublish verifyNotify = SnsPublish.Builder.create(scope, "NotifyVerificationFailed")
                .topic(alarms)
                .message(TaskInput.fromJsonPathAt("$.message"))
                .resultPath("$.notified")
                .build();
        Choice verifyNext = Choice.Builder.create(scope, "NextVerificationStep")
                .build()
                .when(
                        Condition.and(
                                Condition.stringEquals(StepProtocol.path(StepProtocol.ACTION), StepProtocol.DONE),
                                Condition.booleanEquals(StepProtocol.path(StepProtocol.SUCCESS), true)),
                        new Succeed(scope, "Verified"))
                .when(
                        Condition.stringEquals(StepProtocol.path(StepProtocol.ACTION), StepProtocol.DONE),
                        verifyNotify.next(
                                Fail.Builder.create(scope, "VerificationFailed").build()))
                .when(
                        Condition.and(
                                Condition.isPresent(StepProtocol.path(StepProtocol.RUN_ON)),
                                Condition.stringEquals(StepProtocol.path(StepProtocol.RUN_ON), StepProtocol.FARGATE)),
                        onFargate == null ? verifyTask : checkOnFargate(scope, onFargate, verifyTask))
                .when(Condition.isPresent(StepProtocol.path(StepProtocol.WAIT_SECONDS)), verifyWait.next(verifyTask))
                .otherwise(verifyTask);
        if (onFargate != null) {
            fargateCheck.next(verifyNext);
        }
        LogGroup verifyLogs = LogGroup.Builder.create(scope, "VerificationLogs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        stateMachine = StateMachine.Builder.create(scope, "Verification")
                .stateMachineName(Names.VERIFICATION_STATE_MACHINE)
                .definitionBody(DefinitionBody.fromChainable(
                        RunStarts.startAt(scope, "Verification", verifyTask.next(verifyNext))))
                .timeout(Duration.hours(6 + widest.toHours() + 1 + (onFargate == null ? 0 : 13)))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(verifyLogs)
                        .level(LogLevel.ALL)
                        .build())
                .build();
        // Publishing to the encrypted topic needs the topic's key too; the SnsPublish task grants only sns:Publish.
        alarmKey.grant(stateMachine.getRole(), "kms:Decrypt", "kms:GenerateDataKey*");
        if (onFargate != null) {
            // The check task reports with its token (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat), as CDK's
            // grantTaskResponse grants it, on the machine's fixed-name ARN: a reference would make the function
            // depend on the machine that depends on the function.
            verifyStep
                    .getRole()
                    .attachInlinePolicy(software.amazon.awscdk.services.iam.Policy.Builder.create(
                                    scope, "CheckTaskResponds")
                            .statements(List.of(PolicyStatement.Builder.create()
                                    .effect(Effect.ALLOW)
                                    .actions(List.of(
                                            "states:SendTaskSuccess",
                                            "states:SendTaskFailure",
                                            "states:SendTaskHeartbeat"))
                                    .resources(List.of("arn:aws:states:" + backup.region() + ":" + backup.account()
                                            + ":stateMachine:" + Names.VERIFICATION_STATE_MACHINE))
                                    .build()))
                            .build());
        }
    }

    private EcsRunTask checkOnFargate(Construct scope, FargateRestores onFargate, LambdaInvoke verifyTask) {
        fargateCheck = onFargate.verificationCheck(scope, "CheckOnFargate");
        fargateCheck.addCatch(
                verifyTask,
                CatchProps.builder()
                        .errors(List.of("States.ALL"))
                        .resultPath(StepProtocol.path(StepProtocol.TASK_FAILURE))
                        .build());
        return fargateCheck;
    }
}
