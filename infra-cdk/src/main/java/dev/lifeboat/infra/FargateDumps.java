package dev.lifeboat.infra;

import dev.lifeboat.protocol.request.DumpRun;
import dev.lifeboat.protocol.request.Requests;
import dev.lifeboat.protocol.request.RouteQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsRunTask;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.amazon.awscdk.services.stepfunctions.tasks.TaskEnvironmentVariable;
import software.constructs.Construct;

/**
 * Scheduled dumps past Lambda's limits (issue 13): an ECS cluster and a Fargate task definition that run the dump from
 * the dump function's own image (entrypoint {@code dev.lifeboat.backup.DumpTask}), in the databases' VPC with the
 * function's subnets and security groups and its role, and a state machine that asks the function where each run
 * goes ({@code DumpRouting}: lifeboat.yml's {@code dump.runOn}, or the last dump's duration and size) and then invokes
 * the function or runs the task to completion ({@code ecs:runTask.sync}), with retries, alarming when a run fails.
 */
final class FargateDumps {
    /** The state machine's input, as each schedule gives it. */
    static String input(String first, List<String> ids) {
        return "{\"database\": \"" + first + "\", \"ids\": \"" + String.join(",", ids) + "\", \"databases\": ["
                + String.join(", ", ids.stream().map(i -> "\"" + i + "\"").toList())
                + "], \"runId\": \"<aws.scheduler.scheduled-time>\"}";
    }

    static final String CLUSTER = "lifeboat-dumps";

    final StateMachine stateMachine;
    final FargateTaskDefinition task;

    FargateDumps(
            Construct scope,
            Path repositoryRoot,
            IVpc vpc,
            List<ISubnet> subnets,
            List<ISecurityGroup> groups,
            IRole role,
            IFunction fn,
            Map<String, String> environment,
            ITopic alarms) {
        Cluster cluster = FargateTasks.cluster(scope, "DumpCluster", CLUSTER, vpc);
        task = FargateTasks.definition(scope, "DumpTask", "lifeboat-dump", role, null);
        // The dump function's image, started as a program, not a handler; its heap capped as the function's
        // (JAVA_TOOL_OPTIONS in the environment, from DumpMemory).
        ContainerDefinition container = FargateTasks.container(
                task,
                "dump",
                FargateTasks.image(scope, "DumpImage", repositoryRoot, "backup-function"),
                "dev.lifeboat.backup.DumpTask",
                environment,
                FargateTasks.logs(scope, "DumpTaskLogs"));

        LambdaInvoke route = LambdaInvoke.Builder.create(scope, "WhereDoesItRun")
                .lambdaFunction(fn)
                .payload(TaskInput.fromObject(Requests.fields(RouteQuery.of(JsonPath.stringAt("$.database")))))
                .resultSelector(Map.of("runOn", JsonPath.stringAt("$.Payload.runOn")))
                .resultPath("$.route")
                .build();
        route.addRetry(RetryProps.builder()
                .errors(List.of("Lambda.ServiceException", "Lambda.TooManyRequestsException", "States.Timeout"))
                .maxAttempts(3)
                .backoffRate(2)
                .interval(Duration.seconds(10))
                .build());
        LambdaInvoke inLambda = LambdaInvoke.Builder.create(scope, "DumpInLambda")
                .lambdaFunction(fn)
                // Sorted, so the state machine's definition is the same string from one synth to the next.
                .payload(TaskInput.fromObject(Requests.fields(
                        new DumpRun(null, JsonPath.listAt("$.databases"), JsonPath.stringAt("$.runId")))))
                .resultPath(JsonPath.DISCARD)
                .build();
        // dumpConcurrency throttles the function; a throttled run waits its turn, as Lambda's own queue of
        // asynchronous invocations would (up to about six hours), instead of failing.
        inLambda.addRetry(RetryProps.builder()
                .errors(List.of("Lambda.TooManyRequestsException"))
                .maxAttempts(40)
                .interval(Duration.minutes(1))
                .backoffRate(1.5)
                .maxDelay(Duration.minutes(10))
                .build());
        EcsRunTask onFargate = FargateTasks.run(
                        scope,
                        "DumpOnFargate",
                        IntegrationPattern.RUN_JOB,
                        cluster,
                        task,
                        container,
                        subnets,
                        groups,
                        List.of(
                                TaskEnvironmentVariable.builder()
                                        .name("LIFEBOAT_DATABASES")
                                        .value(JsonPath.stringAt("$.ids"))
                                        .build(),
                                TaskEnvironmentVariable.builder()
                                        .name("LIFEBOAT_RUN_ID")
                                        .value(JsonPath.stringAt("$.runId"))
                                        .build()))
                .resultPath(JsonPath.DISCARD)
                .build();
        Fail failed = Fail.Builder.create(scope, "DumpFailed")
                .error("Lifeboat.DumpFailed")
                .cause("the dump failed after its retries; see the function's or the task's log")
                .build();
        for (var t : List.of(inLambda, onFargate)) {
            // A run the same run id repeats finds the backup made and stops: retrying is safe.
            t.addRetry(RetryProps.builder()
                    .errors(List.of("States.ALL"))
                    .maxAttempts(2)
                    .backoffRate(2)
                    .interval(Duration.minutes(1))
                    .build());
            t.addCatch(failed);
        }
        route.addCatch(failed);
        Succeed done = new Succeed(scope, "Dumped");
        var definition = route.next(Choice.Builder.create(scope, "LambdaOrFargate")
                .comment("DumpRouting: dump.runOn, or the last dump's duration and size")
                .build()
                .when(Condition.stringEquals("$.route.runOn", "FARGATE"), onFargate.next(done))
                .otherwise(inLambda.next(done)));
        stateMachine = StateMachine.Builder.create(scope, "ScheduledDumps")
                .stateMachineName("lifeboat-scheduled-dumps")
                .definitionBody(DefinitionBody.fromChainable(definition))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(LogGroup.Builder.create(scope, "ScheduledDumpsLogs")
                                .retention(RetentionDays.ONE_YEAR)
                                .removalPolicy(RemovalPolicy.RETAIN)
                                .build())
                        .level(LogLevel.ALL)
                        .includeExecutionData(false)
                        .build())
                .build();
        software.amazon.awscdk.Aspects.of(software.amazon.awscdk.Stack.of(scope))
                .add(new EcsTaskScope(CLUSTER));
        AlarmTopic.failedAtLeastOnce(
                        scope,
                        "ScheduledDumpFailed",
                        stateMachine.metricFailed(MetricOptions.builder()
                                .period(Duration.minutes(5))
                                .statistic("Sum")
                                .build()),
                        "Lifeboat: a scheduled dump (Lambda or Fargate) failed after its retries")
                .addAlarmAction(new SnsAction(alarms));
    }
}
