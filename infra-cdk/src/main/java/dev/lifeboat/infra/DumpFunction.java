package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.VaultKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;

/**
 * A source account's dump function, inside the databases' VPC: its role ({@code lifeboat-dump-REGION}, which the
 * Fargate task shares), what that role may do (read the databases' secrets, add objects under their prefixes in the
 * vault, nothing more), the function with its dead-letter queue, and the account's own lifeboat.yml it reads. Made in
 * the source stack's own scope, so its resources keep their logical ids.
 */
final class DumpFunction {
    final Role role;
    final DockerImageFunction fn;
    /** lifeboat.yml with this account's databases only, published with the stack. */
    final ConfigDocuments.Published configuration;
    /** The network, as the function and the task read it from LIFEBOAT_NETWORK. */
    final String networkDescription;

    DumpFunction(
            Stack stack,
            LifeboatConfig config,
            String region,
            List<LifeboatConfig.Database> dumped,
            Path root,
            DumpNetwork network,
            boolean fargate) {
        LifeboatConfig.DumpSettings first = dumped.getFirst().dump();
        if (fargate && first.egress() != null && first.egress().mode() == LifeboatConfig.Egress.Kind.ENDPOINTS) {
            throw new IllegalArgumentException("databases." + dumped.getFirst().id() + ".dump.runOn: a Fargate task"
                    + " pulls its image from ECR and writes its log to CloudWatch Logs, which egress: endpoints does not"
                    + " reach; use egress: nat for databases whose dumps may run on Fargate, or runOn: lambda");
        }
        networkDescription = VpcEgress.describe(first.vpcId(), network.subnetIds(), first.egress());
        // The Fargate task (issue 13) runs as the same role: the vault's policy admits lifeboat-dump-* roles alone.
        role = Role.Builder.create(stack, "DumpFunctionRole")
                .roleName(SourceAccountStack.DUMP_ROLE_PREFIX + region)
                .assumedBy(
                        fargate
                                ? new software.amazon.awscdk.services.iam.CompositePrincipal(
                                        new ServicePrincipal("lambda.amazonaws.com"),
                                        new ServicePrincipal("ecs-tasks.amazonaws.com"))
                                : new ServicePrincipal("lambda.amazonaws.com"))
                .managedPolicies(
                        List.of(ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole")))
                .build();
        List<String> secrets = new ArrayList<>();
        for (LifeboatConfig.Database d : dumped) {
            secrets.add(d.dump().secretArn());
        }
        String bucket = VaultUri.bucket(config.backup().vault());
        // Its databases' prefixes in its own account's space of the vault (AccountSpaces, issue 16).
        List<String> prefixes = dumped.stream()
                .map(d -> VaultUri.prefix(config.backup().vault())
                        + VaultKeys.space(d.source().account())
                        + VaultKeys.DUMPS + d.id() + "/")
                .toList();
        role.attachInlinePolicy(Iam.policy(
                stack,
                "DumpPolicy",
                Policies.dumpRole(
                        secrets,
                        bucket,
                        prefixes,
                        config.backup().kmsKeyArn(),
                        config.backup().region())));
        var builder = DockerImageFunction.Builder.create(stack, "DumpFunction")
                .description("Lifeboat: logical dumps of this account's databases into the vault of account "
                        + config.backup().account())
                .code(FunctionImages.of(root, "backup-function", null))
                .architecture(FunctionImages.ARCHITECTURE)
                .role(role)
                .vpc(network.vpc())
                .vpcSubnets(SubnetSelection.builder().subnets(network.subnets()).build())
                .securityGroups(network.groups())
                .memorySize(2048)
                .ephemeralStorageSize(Size.mebibytes(1024))
                .timeout(Duration.minutes(LambdaLimits.MAX_INVOCATION.toMinutes()))
                .deadLetterQueue(Queue.Builder.create(stack, "DumpDeadLetters")
                        .encryption(QueueEncryption.KMS_MANAGED)
                        .enforceSsl(true)
                        .retentionPeriod(Duration.days(14))
                        .removalPolicy(RemovalPolicy.RETAIN)
                        .build())
                .environment(Map.of(
                        "POWERTOOLS_SERVICE_NAME",
                        "lifeboat-dump",
                        "LIFEBOAT_NETWORK",
                        networkDescription,
                        FunctionImages.JAVA_OPTIONS,
                        FunctionImages.dumpJavaOptions(dumped)));
        if (config.dumpConcurrency() != null) {
            // At most that many dumps at once here; Lambda keeps the rest of a night's invocations queued (throttled
            // asynchronous invocations are retried for up to 6 hours) and runs them as dumps finish.
            builder.reservedConcurrentExecutions(config.dumpConcurrency());
        }
        fn = builder.build();
        configuration = ConfigDocuments.publish(
                stack,
                "Configuration",
                ConfigDocuments.only(
                        config.document(),
                        dumped.stream().map(LifeboatConfig.Database::id).toList()));
        configuration.give(fn);
    }

    /** The Fargate task's environment (issue 13): the function's, and where to find lifeboat.yml. */
    Map<String, String> taskEnvironment(List<LifeboatConfig.Database> dumped) {
        Map<String, String> env = new java.util.LinkedHashMap<>(configuration.environment());
        env.put("POWERTOOLS_SERVICE_NAME", "lifeboat-dump");
        env.put("LIFEBOAT_NETWORK", networkDescription);
        env.put(FunctionImages.JAVA_OPTIONS, FunctionImages.dumpJavaOptions(dumped));
        return env;
    }
}
