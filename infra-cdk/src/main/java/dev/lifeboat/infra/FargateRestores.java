package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Names;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsRunTask;
import software.amazon.awscdk.services.stepfunctions.tasks.TaskEnvironmentVariable;
import software.constructs.Construct;

/**
 * Dump restores past Lambda's limits in the backup account (issue 13): an ECS cluster in {@code backup.network} and two
 * Fargate task definitions from the restore function's own image (entrypoint {@code dev.lifeboat.restore.RestoreTask}),
 * one with the restore function's role for dump restores, one with the verification role for a verification run's
 * check step; each with the functions' subnets and security groups and {@code backup.network.taskStorageGiB} of
 * ephemeral storage. The state machine {@code lifeboat-dump-restores} runs a restore payload as the task to completion
 * ({@code ecs:runTask.sync}); the verification state machine runs a check there with its task token
 * ({@link #verificationCheck}).
 */
final class FargateRestores {
    /** A task may run this long: RestoreTask's own limit, and an hour to start and report. */
    static final Duration TASK_TIMEOUT = Duration.hours(13);
    /** The task beats every minute (RestoreTask.HEARTBEAT): five missed beats mean it is gone. */
    static final Duration HEARTBEAT = Duration.minutes(5);

    /** The backup account's cluster: fixed, so that the state machines may stop its tasks only (EcsTaskScope). */
    static final String CLUSTER = "lifeboat-restores";

    private static final String MAIN = "dev.lifeboat.restore.RestoreTask";

    /**
     * The backup account's Fargate task for dump restores and verification checks, when a database's dumps may run on
     * Fargate; null otherwise. It runs in {@code backup.network} and needs a NAT route there: the task pulls its image
     * from ECR and writes to CloudWatch Logs, endpoints Lifeboat does not create.
     */
    static FargateRestores whereDumpsMayRunOnFargate(
            Construct scope,
            LifeboatConfig config,
            Path repositoryRoot,
            IRole restoreRole,
            IRole verificationRole,
            ConfigDocuments.Published configDocument,
            ITopic alarms) {
        List<String> onFargate = config.databases().values().stream()
                .filter(d -> d.dump() != null && d.dump().mayRunOnFargate())
                .map(LifeboatConfig.Database::id)
                .toList();
        if (onFargate.isEmpty()) {
            return null;
        }
        LifeboatConfig.Network net = config.backup().network();
        if (net == null) {
            throw new IllegalArgumentException("databases." + onFargate.getFirst() + ".dump.runOn: a database whose"
                    + " dumps may run on Fargate is restored and verified there too, by an ECS Fargate task in the"
                    + " backup account: set backup.network (vpcId, subnetIds, securityGroupIds; egress: nat)");
        }
        if (net.egress() != null && net.egress().mode() == LifeboatConfig.Egress.Kind.ENDPOINTS) {
            throw new IllegalArgumentException("databases." + onFargate.getFirst() + ".dump.runOn: the backup"
                    + " account's Fargate task (dump restores and verification checks) pulls its image from ECR and"
                    + " logs to CloudWatch Logs, which backup.network.egress: endpoints does not reach. Use egress: nat"
                    + " for backup.network, or dump.runOn: lambda");
        }
        Map<String, String> env = new java.util.HashMap<>(configDocument.environment());
        env.put("LIFEBOAT_NETWORK", VpcEgress.describe(net.vpcId(), net.subnetIds(), net.egress()));
        return new FargateRestores(scope, repositoryRoot, net, restoreRole, verificationRole, env, alarms);
    }

    final StateMachine dumpRestores;
    private final Cluster cluster;
    private final FargateTaskDefinition checkTask;
    private final ContainerDefinition checkContainer;
    private final List<ISubnet> subnets;
    private final List<ISecurityGroup> groups;

    FargateRestores(
            Construct scope,
            Path repositoryRoot,
            LifeboatConfig.Network network,
            IRole restoreRole,
            IRole verificationRole,
            Map<String, String> environment,
            ITopic alarms) {
        IVpc vpc = Vpc.fromVpcAttributes(
                scope,
                "RestoreTaskVpc",
                VpcAttributes.builder()
                        .vpcId(network.vpcId())
                        .availabilityZones(Fn.getAzs())
                        .build());
        subnets = network.subnetIds().stream()
                .map(s -> Subnet.fromSubnetId(scope, "RestoreTask-" + s, s))
                .toList();
        groups = network.securityGroupIds().stream()
                .map(g -> SecurityGroup.fromSecurityGroupId(scope, "RestoreTask-" + g, g))
                .toList();
        cluster = FargateTasks.cluster(scope, "RestoreCluster", CLUSTER, vpc);
        // The restore function's image (the same asset: one build, one image), started as a program.
        DockerImageAsset image = FargateTasks.image(scope, "RestoreImage", repositoryRoot, "restore-function");
        LogGroup logs = FargateTasks.logs(scope, "RestoreTaskLogs");
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("POWERTOOLS_SERVICE_NAME", "lifeboat-restore-task");
        env.put(FunctionImages.JAVA_OPTIONS, FunctionImages.restoreJavaOptions());
        FargateTaskDefinition restoreTask = FargateTasks.definition(
                scope, "DumpRestoreTask", Names.RESTORE_TASK_FAMILY, restoreRole, network.taskStorageGiB());
        ContainerDefinition restoreContainer = FargateTasks.container(restoreTask, "restore", image, MAIN, env, logs);
        checkTask = FargateTasks.definition(
                scope,
                "VerificationCheckTask",
                Names.VERIFICATION_TASK_FAMILY,
                verificationRole,
                network.taskStorageGiB());
        checkContainer = FargateTasks.container(checkTask, "check", image, MAIN, env, logs);
        Stack stack = Stack.of(scope);
        for (IRole role : List.of(restoreRole, verificationRole)) {
            // The functions' roles, now also the tasks': ECS may assume them, for these task definitions only.
            ((Role) role)
                    .getAssumeRolePolicy()
                    .addStatements(PolicyStatement.Builder.create()
                            .effect(Effect.ALLOW)
                            .principals(List.of(new ServicePrincipal("ecs-tasks.amazonaws.com")))
                            .actions(List.of("sts:AssumeRole"))
                            // The confused-deputy guard of the ECS developer guide (task IAM role): tasks of this
                            // account only.
                            .conditions(Map.of(
                                    "ArnLike",
                                    Map.of(
                                            "aws:SourceArn",
                                            "arn:aws:ecs:" + stack.getRegion() + ":" + stack.getAccount() + ":*"),
                                    "StringEquals",
                                    Map.of("aws:SourceAccount", stack.getAccount())))
                            .build());
        }

        EcsRunTask run = FargateTasks.run(
                        scope,
                        "DumpRestoreOnFargate",
                        IntegrationPattern.RUN_JOB,
                        cluster,
                        restoreTask,
                        restoreContainer,
                        subnets,
                        groups,
                        List.of(TaskEnvironmentVariable.builder()
                                .name("LIFEBOAT_RESTORE")
                                .value(JsonPath.jsonToString(JsonPath.objectAt("$")))
                                .build()))
                .taskTimeout(Timeout.duration(TASK_TIMEOUT))
                .resultPath(JsonPath.DISCARD)
                .build();
        // No retry: a restore is started by a person, who reads why it failed and decides (a failed restore into a
        // database it created has removed that database).
        run.addCatch(Fail.Builder.create(scope, "DumpRestoreFailed")
                .error("Lifeboat.RestoreFailed")
                .cause("the restore task failed; its log (log group of the task, stream restore/...) says why")
                .build());
        dumpRestores = StateMachine.Builder.create(scope, "DumpRestores")
                .stateMachineName(Names.DUMP_RESTORE_STATE_MACHINE)
                .definitionBody(DefinitionBody.fromChainable(run.next(new Succeed(scope, "DumpRestored"))))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(LogGroup.Builder.create(scope, "DumpRestoresLogs")
                                .retention(RetentionDays.ONE_YEAR)
                                .removalPolicy(RemovalPolicy.RETAIN)
                                .build())
                        .level(LogLevel.ALL)
                        .includeExecutionData(false)
                        .build())
                .build();
        AlarmTopic.failedAtLeastOnce(
                        scope,
                        "DumpRestoreFailedAlarm",
                        dumpRestores.metricFailed(MetricOptions.builder()
                                .period(Duration.minutes(5))
                                .statistic("Sum")
                                .build()),
                        "Lifeboat: a dump restore on Fargate failed")
                .addAlarmAction(new SnsAction(alarms));
    }

    /**
     * The verification run's check step as the Fargate task: it gets the run's state and the task token, and its
     * output is the next state (SendTaskSuccess); a task that fails, stops beating or starts nothing comes back to
     * the run under {@code $.taskFailure}, for the step function to clean up.
     */
    EcsRunTask verificationCheck(Construct scope, String id) {
        EcsRunTask check = FargateTasks.run(
                        scope,
                        id,
                        IntegrationPattern.WAIT_FOR_TASK_TOKEN,
                        cluster,
                        checkTask,
                        checkContainer,
                        subnets,
                        groups,
                        List.of(
                                TaskEnvironmentVariable.builder()
                                        .name("LIFEBOAT_STEP")
                                        .value(JsonPath.jsonToString(JsonPath.objectAt("$")))
                                        .build(),
                                TaskEnvironmentVariable.builder()
                                        .name("LIFEBOAT_TASK_TOKEN")
                                        .value(JsonPath.getTaskToken())
                                        .build()))
                .heartbeatTimeout(Timeout.duration(HEARTBEAT))
                .taskTimeout(Timeout.duration(TASK_TIMEOUT))
                .build();
        check.addRetry(RetryProps.builder()
                .errors(List.of("ECS.AmazonECSException"))
                .maxAttempts(2)
                .interval(Duration.minutes(1))
                .backoffRate(2)
                .build());
        return check;
    }
}
