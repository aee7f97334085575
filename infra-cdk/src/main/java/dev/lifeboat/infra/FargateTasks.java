package dev.lifeboat.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.FargatePlatformVersion;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.tasks.ContainerOverride;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsFargateLaunchTarget;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsFargateLaunchTargetOptions;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsRunTask;
import software.amazon.awscdk.services.stepfunctions.tasks.TaskEnvironmentVariable;
import software.constructs.Construct;

/**
 * What Lifeboat's ECS Fargate tasks share (issue 13): the dumps' in the source accounts ({@link FargateDumps}) and the
 * restores' and verification checks' in the backup account ({@link FargateRestores}). A cluster with a fixed name, a
 * task definition of 2 vCPU and 4 GiB on x86_64 (the functions' images are built for it), the container of a
 * function's own image started as a program, and the state that runs it in the databases' subnets without a public IP.
 */
final class FargateTasks {
    private FargateTasks() {}

    /** A cluster named {@code name}, whose tasks alone the stack's state machines may stop ({@link EcsTaskScope}). */
    static Cluster cluster(Construct scope, String id, String name, IVpc vpc) {
        Cluster cluster = Cluster.Builder.create(scope, id)
                .clusterName(name)
                .vpc(vpc)
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
        Aspects.of(Stack.of(scope)).add(new EcsTaskScope(name));
        return cluster;
    }

    /** A task definition with {@code role} as the task's role; {@code storageGiB} null: Fargate's default. */
    static FargateTaskDefinition definition(Construct scope, String id, String family, IRole role, Integer storageGiB) {
        return definition(scope, id, family, role, storageGiB, 2048, 4096);
    }

    /** A task definition of {@code cpu} units and {@code memoryMiB}, a pair Fargate offers. */
    static FargateTaskDefinition definition(
            Construct scope, String id, String family, IRole role, Integer storageGiB, int cpu, int memoryMiB) {
        FargateTaskDefinition.Builder b = FargateTaskDefinition.Builder.create(scope, id)
                .family(family)
                .cpu(cpu)
                .memoryLimitMiB(memoryMiB)
                .taskRole(role)
                .runtimePlatform(RuntimePlatform.builder()
                        .cpuArchitecture(CpuArchitecture.X86_64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX)
                        .build());
        if (storageGiB != null) {
            b.ephemeralStorageGiB(storageGiB);
        }
        return b.build();
    }

    /** The image of {@code module}'s Dockerfile: the same asset as its functions' (one build, one image). */
    static DockerImageAsset image(Construct scope, String id, Path repositoryRoot, String module) {
        return DockerImageAsset.Builder.create(scope, id)
                .directory(repositoryRoot.resolve(module).toString())
                .platform(FunctionImages.PLATFORM)
                .build();
    }

    static LogGroup logs(Construct scope, String id) {
        return LogGroup.Builder.create(scope, id)
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /**
     * The container of {@code task}: {@code image} started as {@code java ... mainClass} (the image's JVM, its heap
     * capped by JAVA_TOOL_OPTIONS in {@code environment}), logging under {@code name}.
     */
    static ContainerDefinition container(
            FargateTaskDefinition task,
            String name,
            DockerImageAsset image,
            String mainClass,
            Map<String, String> environment,
            LogGroup logs) {
        ContainerDefinition c = task.addContainer(
                name,
                ContainerDefinitionOptions.builder()
                        .image(ContainerImage.fromDockerImageAsset(image))
                        .entryPoint(List.of("/var/lang/bin/java", "-cp", "/var/task:/var/task/lib/*", mainClass))
                        .environment(withMetricsToStandardOutput(environment))
                        .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                                .logGroup(logs)
                                .streamPrefix(name)
                                .build()))
                        .readonlyRootFilesystem(false)
                        // SIGTERM first: the entrypoint stops its tools and cleans up (OnSignal, 45 s) before SIGKILL.
                        .stopTimeout(software.amazon.awscdk.Duration.seconds(90))
                        .build());
        // The environment holds where lifeboat.yml is and its hash, never a secret: logins are read from Secrets
        // Manager at run time, as the functions do.
        io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(
                task,
                List.of(io.github.cdklabs.cdknag.NagPackSuppression.builder()
                        .id("AwsSolutions-ECS2")
                        .reason("the environment names lifeboat.yml's location and hash and the network, no secret")
                        .build()),
                true);
        return c;
    }

    /** {@code environment} with the tasks' metrics written to standard output, where the awslogs driver takes them. */
    static Map<String, String> withMetricsToStandardOutput(Map<String, String> environment) {
        // Sorted: a Map.of iterates in an order that changes from one JVM to the next, and a task definition's
        // environment is a list, so another order would be a new revision on every deploy.
        Map<String, String> out = new java.util.TreeMap<>(environment);
        out.put("AWS_EMF_ENVIRONMENT", dev.lifeboat.protocol.MetricNames.EMF_ENVIRONMENT_OF_TASKS);
        return out;
    }

    /** The state that runs {@code task} with {@code overrides} in its container: the caller adds timeouts and paths. */
    static EcsRunTask.Builder run(
            Construct scope,
            String id,
            IntegrationPattern pattern,
            Cluster cluster,
            FargateTaskDefinition task,
            ContainerDefinition container,
            List<ISubnet> subnets,
            List<ISecurityGroup> groups,
            List<TaskEnvironmentVariable> overrides) {
        return EcsRunTask.Builder.create(scope, id)
                .integrationPattern(pattern)
                .cluster(cluster)
                .taskDefinition(task)
                .launchTarget(new EcsFargateLaunchTarget(EcsFargateLaunchTargetOptions.builder()
                        .platformVersion(FargatePlatformVersion.LATEST)
                        .build()))
                .subnets(SubnetSelection.builder().subnets(subnets).build())
                .securityGroups(groups)
                .assignPublicIp(false)
                .containerOverrides(List.of(ContainerOverride.builder()
                        .containerDefinition(container)
                        .environment(overrides)
                        .build()));
    }
}
