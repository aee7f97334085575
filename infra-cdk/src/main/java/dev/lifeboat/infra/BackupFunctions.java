package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.VaultKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.DockerImageCode;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;

/**
 * The backup account's four functions, as container images with the client tools, and what each may do: its role
 * (a fixed name, which the organization's SCP and the deletion rule name), its policy from {@link Policies}, and its
 * grants on the vault; failed asynchronous invocations of any of them go to one dead-letter queue. Made in the backup
 * stack's own scope, so they keep their logical ids.
 */
final class BackupFunctions {
    /** One step of the snapshot pipeline; also retention and the fleet's fan-out. */
    final Function snapshotStep;
    /** Restores, the incident path. */
    final Function restore;
    /** One step of a verification run; also the sweeper of the instances a crashed run left behind. */
    final Function verifyStep;
    /** The audit, the daily digest, and the alert on a destructive call in production (issue 12). */
    final Function audit;

    private final Stack stack;
    private final Queue deadLetters;
    private final ConfigDocuments.Published configDocument;

    BackupFunctions(
            Stack stack,
            LifeboatConfig config,
            Path repositoryRoot,
            Key key,
            Bucket vault,
            Topic alarms,
            Key alarmKey,
            ConfigDocuments.Published configDocument) {
        this.stack = stack;
        this.configDocument = configDocument;
        LifeboatConfig.Backup backup = config.backup();
        deadLetters = Queue.Builder.create(stack, "FunctionDeadLetters")
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(key)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        snapshotStep = function(
                "SnapshotStepFunction",
                "Lifeboat: one step of the snapshot pipeline",
                FunctionImages.of(
                        repositoryRoot, "backup-function", "dev.lifeboat.backup.SnapshotStepHandler::handleRequest"),
                512,
                Duration.minutes(2),
                "lifeboat-snapshot",
                Names.SNAPSHOT_STEP_FUNCTION,
                Names.PIPELINE_ROLE,
                null);
        List<String> sourceRoles = config.databases().values().stream()
                .map(d -> d.source().roleArn())
                .distinct()
                .toList();
        Iam.attach(
                stack,
                snapshotStep.getRole(),
                "PipelinePolicy",
                Policies.snapshotPipelineRole(
                        backup.account(),
                        key.getKeyArn(),
                        sourceRoles,
                        config.copyKeyArns(),
                        config.databaseArnsIn(backup.account())));
        // The shape record of each run (issue 14): added once under shapes/, never replaced (ManifestsOnlyIfAbsent).
        vault.grantPut(snapshotStep, VaultUri.prefix(backup.vault()) + VaultKeys.SHAPES + "*");

        restore = function(
                "RestoreFunction",
                "Lifeboat: restores, the incident path",
                FunctionImages.of(repositoryRoot, "restore-function", null),
                2048,
                Duration.minutes(LambdaLimits.MAX_INVOCATION.toMinutes()),
                "lifeboat-restore",
                Names.RESTORE_FUNCTION,
                Names.RESTORE_ROLE,
                backup.network());
        restore.addEnvironment(FunctionImages.JAVA_OPTIONS, FunctionImages.restoreJavaOptions());
        Iam.attach(
                stack,
                restore.getRole(),
                "RestorePolicy",
                Policies.restoreRole(backup.account(), key.getKeyArn(), sourceRoles));
        vault.grantRead(restore);
        // The restore log (issue 14): each restore's recovery time by phase, added under restores/, never deleted.
        vault.grantPut(restore, VaultUri.prefix(backup.vault()) + VaultKeys.RESTORES + "*");

        // Verification runs: the step function holds the table of steps (VerifyingBackup.advance); the state
        // machine only invokes it, waits when told, and ends at "done" (VerificationRuns).
        verifyStep = function(
                "VerificationStepFunction",
                "Lifeboat: one step of a verification run",
                FunctionImages.of(
                        repositoryRoot,
                        "restore-function",
                        "dev.lifeboat.restore.VerificationStepHandler::handleRequest"),
                2048,
                Duration.minutes(LambdaLimits.MAX_INVOCATION.toMinutes()),
                "lifeboat-verify",
                Names.VERIFICATION_STEP_FUNCTION,
                Names.VERIFICATION_ROLE,
                backup.network());
        verifyStep.addEnvironment(FunctionImages.JAVA_OPTIONS, FunctionImages.restoreJavaOptions());
        verifyStep
                .getRole()
                .attachInlinePolicy(Iam.policy(
                        stack,
                        "VerificationPolicy",
                        Policies.verificationRole(backup.account(), backup.region(), key.getKeyArn())));
        vault.grantRead(verifyStep);
        // Its reports and the recovery log of the dumps it restores, nothing else (issue 37, item 6): a verification
        // role that wrote anywhere could plant manifests in an account's space or shape records before the pipeline.
        // No delete (grantReadWrite would include s3:DeleteObject*).
        vault.grantPut(verifyStep, VaultUri.prefix(backup.vault()) + VaultKeys.VERIFICATIONS + "*");
        vault.grantPut(verifyStep, VaultUri.prefix(backup.vault()) + VaultKeys.RESTORES + "*");

        // The audit (issue 12): the accounts checked for the incident's failure modes on a schedule, and every
        // destructive call the source accounts forward answered with the newest backups and how to restore them.
        audit = function(
                "AuditFunction",
                "Lifeboat: the audit, and the alert on a destructive call in production",
                FunctionImages.of(repositoryRoot, "backup-function", "dev.lifeboat.backup.AuditHandler::handleRequest"),
                1024,
                Duration.minutes(5),
                "lifeboat-audit",
                Names.AUDIT_FUNCTION,
                Names.AUDIT_ROLE,
                null);
        audit.addEnvironment(Names.ALARM_TOPIC_VARIABLE, alarms.getTopicArn());
        Iam.attach(stack, audit.getRole(), "AuditPolicy", Policies.auditRole(sourceRoles));
        vault.grantRead(audit);
        alarms.grantPublish(audit);
        alarmKey.grant(audit.getRole(), "kms:Decrypt", "kms:GenerateDataKey*");
    }

    /** The four, in the order their error alarms are made. */
    List<Function> all() {
        return List.of(snapshotStep, restore, verifyStep, audit);
    }

    /** A container-image function with the configuration in its environment and failed async invocations kept. */
    private Function function(
            String id,
            String description,
            DockerImageCode code,
            int memoryMib,
            Duration timeout,
            String serviceName,
            String functionName,
            String roleName,
            LifeboatConfig.Network network) {
        DockerImageFunction.Builder b = DockerImageFunction.Builder.create(stack, id)
                .functionName(functionName)
                .architecture(FunctionImages.ARCHITECTURE);
        if (network != null) {
            // It connects to databases in the backup account: it runs in their VPC (the instances are private).
            b.vpc(Vpc.fromVpcAttributes(
                            stack,
                            id + "Vpc",
                            VpcAttributes.builder()
                                    .vpcId(network.vpcId())
                                    .availabilityZones(Fn.getAzs())
                                    .build()))
                    .vpcSubnets(SubnetSelection.builder()
                            .subnets(network.subnetIds().stream()
                                    .map(sn -> Subnet.fromSubnetId(stack, id + "-" + sn, sn))
                                    .toList())
                            .build())
                    .securityGroups(network.securityGroupIds().stream()
                            .map(sg -> SecurityGroup.fromSecurityGroupId(stack, id + "-" + sg, sg))
                            .toList());
        }
        Map<String, String> env = new java.util.HashMap<>(configDocument.environment());
        env.put("POWERTOOLS_SERVICE_NAME", serviceName);
        if (network != null) {
            env.put("LIFEBOAT_NETWORK", VpcEgress.describe(network.vpcId(), network.subnetIds(), network.egress()));
        }
        Function fn = b.description(description)
                .code(code)
                .memorySize(memoryMib)
                .timeout(timeout)
                .deadLetterQueue(deadLetters)
                .environment(env)
                .build();
        configDocument.asset().grantRead(fn);
        // Fixed role names: the organization's SCP and the deletion rule name these roles (Names).
        ((CfnRole) fn.getRole().getNode().getDefaultChild()).setRoleName(roleName);
        return fn;
    }
}
