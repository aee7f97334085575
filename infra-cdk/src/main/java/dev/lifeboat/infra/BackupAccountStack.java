package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.StepProtocol;
import dev.lifeboat.protocol.VaultKeys;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudtrail.Trail;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.DockerImageCode;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
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
 * The backup account: the vault, the backup key, the functions, the snapshot pipeline's state machine,
 * the schedules, the alarms and the dashboard. Everything stateful is RETAIN and the stack has
 * termination protection: the backups must outlive any mistake in this account too.
 */
public final class BackupAccountStack extends Stack {
    private final Bucket vault;
    private final Key key;
    private final Topic alarms;
    private final Key alarmKey;
    private final StateMachine snapshotPipeline;

    public BackupAccountStack(
            Construct scope, String id, StackProps props, LifeboatConfig config, Path repositoryRoot) {
        super(scope, id, props);
        LifeboatConfig.Backup backup = config.backup();
        if (backup.breakGlassRoleArn() == null) {
            throw new IllegalArgumentException(
                    "backup.breakGlassRoleArn: is missing; the CDK app needs the break-glass role that alone"
                            + " may change the vault's policy, Object Lock or lifecycle, or delete the backup key");
        }
        if (backup.network() == null
                && config.databases().values().stream()
                        .anyMatch(d -> d.schedules().verify() != null)) {
            throw new IllegalArgumentException("backup.network: is missing; scheduled verification runs connect to a"
                    + " private throwaway instance in the backup account, so the verification function must run in"
                    + " its VPC: set backup.network (vpcId, subnetIds, securityGroupIds) to the VPC of"
                    + " verify.subnetGroup");
        }
        // The functions read lifeboat.yml from an object published with the stack, checked against its hash.
        ConfigDocuments.Published configDocument =
                ConfigDocuments.publish(this, "Configuration", ConfigDocuments.forFunctions(config.document()));
        Set<String> sourceAccounts = new LinkedHashSet<>();
        config.databases().values().forEach(d -> sourceAccounts.add(d.source().account()));

        // The backup key. Losing it loses the backups, which Object Lock alone does not prevent.
        key = GuardedKeys.create(
                this,
                "BackupKey",
                "alias/lifeboat-backup",
                "Lifeboat: encrypts snapshot copies and the vault",
                KeyPolicies.backupKey(
                        backup.account(), backup.region(), List.copyOf(sourceAccounts), backup.breakGlassRoleArn()));

        VaultBucket vaultBucket = VaultBucket.create(this, config, key);
        vault = vaultBucket.vault();
        Bucket logs = vaultBucket.accessLogs();

        // Notifications: a topic with a key of its own that CloudWatch and EventBridge may use (AlarmTopic).
        AlarmTopic alarmTopic =
                AlarmTopic.create(this, backup.account(), backup.region(), backup.alarmSubscriberAccounts());
        alarmKey = alarmTopic.key();
        alarms = alarmTopic.topic();
        for (String email : backup.alarmEmails()) {
            alarms.addSubscription(new EmailSubscription(email));
        }
        Rule incidents = IncidentEvents.receive(this, backup.account(), List.copyOf(sourceAccounts), alarms);
        Rule.Builder.create(this, "KeyDeletionAttempt")
                .description("Lifeboat: someone tried to delete, disable or re-police the backup key or the"
                        + " notifications key")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.kms"))
                        .detailType(List.of("AWS API Call via CloudTrail"))
                        // PutKeyPolicy too (issue 37, item 7): a rewritten key policy can lock Lifeboat out of the
                        // backups, or the notifications key out of CloudWatch and EventBridge, which silences every
                        // alarm; the notifications key is watched as the backup key is.
                        .detail(Map.of(
                                "eventName",
                                List.of("ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy"),
                                "requestParameters",
                                Map.of(
                                        "keyId",
                                        List.of(
                                                key.getKeyId(),
                                                key.getKeyArn(),
                                                alarmKey.getKeyId(),
                                                alarmKey.getKeyArn()))))
                        .build())
                .targets(List.of(new SnsTopic(alarms)))
                .build();

        // The functions, as container images with the client tools.
        Queue deadLetters = Queue.Builder.create(this, "FunctionDeadLetters")
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(key)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Function snapshotStep = function(
                "SnapshotStepFunction",
                "Lifeboat: one step of the snapshot pipeline",
                FunctionImages.of(
                        repositoryRoot, "backup-function", "dev.lifeboat.backup.SnapshotStepHandler::handleRequest"),
                512,
                Duration.minutes(2),
                deadLetters,
                configDocument,
                "lifeboat-snapshot",
                Names.SNAPSHOT_STEP_FUNCTION,
                Names.PIPELINE_ROLE,
                null);
        List<String> sourceRoles = config.databases().values().stream()
                .map(d -> d.source().roleArn())
                .distinct()
                .toList();
        Iam.attach(
                this,
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
        Function restoreFn = function(
                "RestoreFunction",
                "Lifeboat: restores, the incident path",
                FunctionImages.of(repositoryRoot, "restore-function", null),
                2048,
                Duration.minutes(LambdaLimits.MAX_INVOCATION.toMinutes()),
                deadLetters,
                configDocument,
                "lifeboat-restore",
                Names.RESTORE_FUNCTION,
                Names.RESTORE_ROLE,
                backup.network());
        restoreFn.addEnvironment(FunctionImages.JAVA_OPTIONS, FunctionImages.restoreJavaOptions());
        Iam.attach(
                this,
                restoreFn.getRole(),
                "RestorePolicy",
                Policies.restoreRole(backup.account(), key.getKeyArn(), sourceRoles));
        vault.grantRead(restoreFn);
        // The restore log (issue 14): each restore's recovery time by phase, added under restores/, never deleted.
        vault.grantPut(restoreFn, VaultUri.prefix(backup.vault()) + VaultKeys.RESTORES + "*");
        // How the verification and restore functions reach RDS, STS, Secrets Manager and the vault from their subnets.
        BackupNetwork.create(this, config, vault, configDocument);

        // The snapshot pipeline: invoke a step, wait as long as it says, again until done.
        LambdaInvoke step = LambdaInvoke.Builder.create(this, "AdvanceRun")
                .lambdaFunction(snapshotStep)
                .payloadResponseOnly(true)
                .retryOnServiceExceptions(true)
                .build();
        Wait wait = Wait.Builder.create(this, "WaitAsTold")
                .time(WaitTime.secondsPath(StepProtocol.path(StepProtocol.WAIT_SECONDS)))
                .build();
        SnsPublish notify = SnsPublish.Builder.create(this, "NotifyFailure")
                .topic(alarms)
                .message(TaskInput.fromJsonPathAt("$.message"))
                .resultPath("$.notified")
                .build();
        Choice done = Choice.Builder.create(this, "Done?")
                .build()
                .when(
                        Condition.stringEquals(StepProtocol.path(StepProtocol.STATUS), StepProtocol.STATUS_DONE),
                        new Succeed(this, "CopyAvailable"))
                .when(
                        Condition.stringEquals(StepProtocol.path(StepProtocol.STATUS), StepProtocol.STATUS_FAILED),
                        notify.next(Fail.Builder.create(this, "RunFailed").build()))
                .otherwise(wait.next(step));
        LogGroup pipelineLogs = LogGroup.Builder.create(this, "SnapshotPipelineLogs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // A run the fleet's fan-out started waits for its minute in its database's window (issue 16).
        java.time.Duration widest = config.databases().values().stream()
                .map(d -> d.schedules().window())
                .max(java.util.Comparator.naturalOrder())
                .orElse(java.time.Duration.ZERO);
        Choice pipelineStart = startAt("Pipeline", step.next(done));
        snapshotPipeline = StateMachine.Builder.create(this, "SnapshotPipeline")
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
        // Copies have no Object Lock: any deletion of a snapshot in the backup account by anyone but the
        // snapshot pipeline's role (retention) alarms. The events come from the trail below.
        Rule.Builder.create(this, "SnapshotDeletedOutsideRetention")
                .description("Lifeboat: a snapshot copy was deleted by someone other than Lifeboat's retention")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.rds"))
                        .detailType(List.of("AWS API Call via CloudTrail"))
                        .detail(Map.of(
                                "eventName",
                                List.of("DeleteDBSnapshot", "DeleteDBClusterSnapshot"),
                                "userIdentity",
                                Map.of(
                                        "arn",
                                        List.of(Map.of(
                                                "anything-but",
                                                Map.of(
                                                        "prefix",
                                                        "arn:aws:sts::" + backup.account() + ":assumed-role/"
                                                                + Names.PIPELINE_ROLE + "/"))))))
                        .build())
                .targets(List.of(new SnsTopic(alarms)))
                .build();
        // "AWS API Call via CloudTrail" events reach EventBridge only from a trail that logs management events
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
        Bucket trailLogs = Bucket.Builder.create(this, "TrailLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix("trail/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Trail.Builder.create(this, "ManagementEvents")
                .bucket(trailLogs)
                .isMultiRegionTrail(true)
                .includeGlobalServiceEvents(true)
                .enableFileValidation(true)
                .build();

        // Verification runs: the step function holds the table of steps (VerifyingBackup.advance); the state
        // machine only invokes it, waits when told, and ends at "done", notifying when a run failed.
        Function verifyStep = function(
                "VerificationStepFunction",
                "Lifeboat: one step of a verification run",
                FunctionImages.of(
                        repositoryRoot,
                        "restore-function",
                        "dev.lifeboat.restore.VerificationStepHandler::handleRequest"),
                2048,
                Duration.minutes(LambdaLimits.MAX_INVOCATION.toMinutes()),
                deadLetters,
                configDocument,
                "lifeboat-verify",
                Names.VERIFICATION_STEP_FUNCTION,
                Names.VERIFICATION_ROLE,
                backup.network());
        verifyStep.addEnvironment(FunctionImages.JAVA_OPTIONS, FunctionImages.restoreJavaOptions());
        verifyStep
                .getRole()
                .attachInlinePolicy(Iam.policy(
                        this,
                        "VerificationPolicy",
                        Policies.verificationRole(backup.account(), backup.region(), key.getKeyArn())));
        vault.grantRead(verifyStep);
        // Its reports and the recovery log of the dumps it restores, nothing else (issue 37, item 6): a verification
        // role that wrote anywhere could plant manifests in an account's space or shape records before the pipeline.
        // No delete (grantReadWrite would include s3:DeleteObject*).
        vault.grantPut(verifyStep, VaultUri.prefix(backup.vault()) + VaultKeys.VERIFICATIONS + "*");
        vault.grantPut(verifyStep, VaultUri.prefix(backup.vault()) + VaultKeys.RESTORES + "*");
        LambdaInvoke verifyTask = LambdaInvoke.Builder.create(this, "VerificationStep")
                .lambdaFunction(verifyStep)
                .payloadResponseOnly(true)
                .retryOnServiceExceptions(true)
                .build();
        // Dump restores and verification checks too large for Lambda (issue 13): the Fargate task, where a database's
        // dumps may run on Fargate.
        FargateRestores onFargate = fargateRestores(config, repositoryRoot, restoreFn, verifyStep, configDocument);
        Wait verifyWait = Wait.Builder.create(this, "WaitForInstance")
                .time(WaitTime.secondsPath(StepProtocol.path(StepProtocol.WAIT_SECONDS)))
                .build();
        SnsPublish verifyNotify = SnsPublish.Builder.create(this, "NotifyVerificationFailed")
                .topic(alarms)
                .message(TaskInput.fromJsonPathAt("$.message"))
                .resultPath("$.notified")
                .build();
        Choice verifyNext = Choice.Builder.create(this, "NextVerificationStep")
                .build()
                .when(
                        Condition.and(
                                Condition.stringEquals(StepProtocol.path(StepProtocol.ACTION), StepProtocol.DONE),
                                Condition.booleanEquals(StepProtocol.path(StepProtocol.SUCCESS), true)),
                        new Succeed(this, "Verified"))
                .when(
                        Condition.stringEquals(StepProtocol.path(StepProtocol.ACTION), StepProtocol.DONE),
                        verifyNotify.next(
                                Fail.Builder.create(this, "VerificationFailed").build()))
                .when(
                        Condition.and(
                                Condition.isPresent(StepProtocol.path(StepProtocol.RUN_ON)),
                                Condition.stringEquals(StepProtocol.path(StepProtocol.RUN_ON), StepProtocol.FARGATE)),
                        onFargate == null ? verifyTask : checkOnFargate(onFargate, verifyTask))
                .when(Condition.isPresent(StepProtocol.path(StepProtocol.WAIT_SECONDS)), verifyWait.next(verifyTask))
                .otherwise(verifyTask);
        if (onFargate != null) {
            fargateCheck.next(verifyNext);
        }
        LogGroup verifyLogs = LogGroup.Builder.create(this, "VerificationLogs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        StateMachine verification = StateMachine.Builder.create(this, "Verification")
                .stateMachineName(Names.VERIFICATION_STATE_MACHINE)
                .definitionBody(DefinitionBody.fromChainable(startAt("Verification", verifyTask.next(verifyNext))))
                .timeout(Duration.hours(6 + widest.toHours() + 1 + (onFargate == null ? 0 : 13)))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(verifyLogs)
                        .level(LogLevel.ALL)
                        .build())
                .build();
        // Publishing to the encrypted topic needs the topic's key too; the SnsPublish task grants only sns:Publish.
        alarmKey.grant(verification.getRole(), "kms:Decrypt", "kms:GenerateDataKey*");
        if (onFargate != null) {
            // The check task reports with its token (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat), as CDK's
            // grantTaskResponse grants it, on the machine's fixed-name ARN: a reference would make the function
            // depend on the machine that depends on the function.
            verifyStep
                    .getRole()
                    .attachInlinePolicy(software.amazon.awscdk.services.iam.Policy.Builder.create(
                                    this, "CheckTaskResponds")
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

        // One schedule per database and job, from lifeboat.yml; a firing that cannot invoke its target goes to a
        // dead-letter queue an alarm watches (BackupSchedules).
        BackupSchedules schedules = BackupSchedules.create(this, alarmKey);
        Role schedulerRole = schedules.role();
        // Retention: each database's GFS counts applied to its copies, daily.
        snapshotStep.grantInvoke(schedulerRole);
        schedules.add("retention", "cron(30 5 * * ? *)", snapshotStep.getFunctionArn(), "{\"action\": \"prune\"}");
        // The sweeper: verification instances a crashed run left behind, once they expire.
        verifyStep.grantInvoke(schedulerRole);
        schedules.add("verification-sweeper", "rate(6 hours)", verifyStep.getFunctionArn(), "{\"action\": \"sweep\"}");
        // The fleet's schedules (issue 16): one per job and expression in use, whatever the number of databases;
        // each firing fans out (the snapshot step's "fanout") to the runs of every database on that expression.
        // By the machines' fixed names, not references: the pipeline already refers to this function.
        snapshotStep
                .getRole()
                .attachInlinePolicy(
                        Iam.policy(this, "FanOutPolicy", Policies.fanOut(backup.account(), backup.region())));
        schedules.fanOuts(config, snapshotStep.getFunctionArn());

        // The audit (issue 12): the accounts checked for the incident's failure modes on a schedule, and every
        // destructive call the source accounts forward answered with the newest backups and how to restore them.
        Function audit = function(
                "AuditFunction",
                "Lifeboat: the audit, and the alert on a destructive call in production",
                FunctionImages.of(repositoryRoot, "backup-function", "dev.lifeboat.backup.AuditHandler::handleRequest"),
                1024,
                Duration.minutes(5),
                deadLetters,
                configDocument,
                "lifeboat-audit",
                Names.AUDIT_FUNCTION,
                Names.AUDIT_ROLE,
                null);
        audit.addEnvironment(Names.ALARM_TOPIC_VARIABLE, alarms.getTopicArn());
        Iam.attach(this, audit.getRole(), "AuditPolicy", Policies.auditRole(sourceRoles));
        vault.grantRead(audit);
        alarms.grantPublish(audit);
        alarmKey.grant(audit.getRole(), "kms:Decrypt", "kms:GenerateDataKey*");
        audit.grantInvoke(schedulerRole);
        schedules.add("audit", config.audit().schedule(), audit.getFunctionArn(), "{\"action\": \"audit\"}");
        // The dead man's switch (issue 37): a daily report to the alarm subscribers, so a silenced alarm path is
        // noticed by its silence.
        schedules.add("digest", "cron(0 8 * * ? *)", audit.getFunctionArn(), "{\"action\": \"digest\"}");
        if (incidents != null) {
            // EventBridge itself writes an undelivered event to the target's dead-letter queue, as
            // events.amazonaws.com: the key of an encrypted queue must admit it
            // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). The backup key admits no
            // service, and must not (it guards the vault), so the incident events' queue is encrypted with the
            // notifications key, whose policy admits EventBridge of this account (AlarmTopic; issue 36, item 10).
            Queue incidentDeadLetters = Queue.Builder.create(this, "IncidentDeadLetters")
                    .encryption(QueueEncryption.KMS)
                    .encryptionMasterKey(alarmKey)
                    .enforceSsl(true)
                    .retentionPeriod(Duration.days(14))
                    .removalPolicy(RemovalPolicy.RETAIN)
                    .build();
            incidents.addTarget(software.amazon.awscdk.services.events.targets.LambdaFunction.Builder.create(audit)
                    .retryAttempts(4)
                    .deadLetterQueue(incidentDeadLetters)
                    .build());
        }

        BackupAlarms.create(
                this,
                backup,
                alarms,
                List.of(snapshotStep, restoreFn, verifyStep, audit),
                snapshotPipeline,
                schedules.deadLetters(),
                verification);
    }

    /** The verification run's check on the Fargate task; a failure there goes back to the step function to clean up. */
    private EcsRunTask fargateCheck;

    private EcsRunTask checkOnFargate(FargateRestores onFargate, LambdaInvoke verifyTask) {
        fargateCheck = onFargate.verificationCheck(this, "CheckOnFargate");
        fargateCheck.addCatch(
                verifyTask,
                CatchProps.builder()
                        .errors(List.of("States.ALL"))
                        .resultPath(StepProtocol.path(StepProtocol.TASK_FAILURE))
                        .build());
        return fargateCheck;
    }

    /**
     * The backup account's Fargate task for dump restores and verification checks (issue 13), when a database's dumps
     * may run on Fargate; null otherwise. It runs in {@code backup.network} and needs a NAT route there: the task pulls
     * its image from ECR and writes to CloudWatch Logs, endpoints Lifeboat does not create.
     */
    private FargateRestores fargateRestores(
            LifeboatConfig config,
            Path repositoryRoot,
            Function restoreFn,
            Function verifyStep,
            ConfigDocuments.Published configDocument) {
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
        return new FargateRestores(this, repositoryRoot, net, restoreFn.getRole(), verifyStep.getRole(), env, alarms);
    }

    /** A container-image function with the configuration in its environment and failed async invocations kept. */
    private Function function(
            String id,
            String description,
            DockerImageCode code,
            int memoryMib,
            Duration timeout,
            Queue deadLetters,
            ConfigDocuments.Published configDocument,
            String serviceName,
            String functionName,
            String roleName,
            LifeboatConfig.Network network) {
        DockerImageFunction.Builder b = DockerImageFunction.Builder.create(this, id)
                .functionName(functionName)
                .architecture(FunctionImages.ARCHITECTURE);
        if (network != null) {
            // It connects to databases in the backup account: it runs in their VPC (the instances are private).
            b.vpc(Vpc.fromVpcAttributes(
                            this,
                            id + "Vpc",
                            VpcAttributes.builder()
                                    .vpcId(network.vpcId())
                                    .availabilityZones(Fn.getAzs())
                                    .build()))
                    .vpcSubnets(SubnetSelection.builder()
                            .subnets(network.subnetIds().stream()
                                    .map(sn -> Subnet.fromSubnetId(this, id + "-" + sn, sn))
                                    .toList())
                            .build())
                    .securityGroups(network.securityGroupIds().stream()
                            .map(sg -> SecurityGroup.fromSecurityGroupId(this, id + "-" + sg, sg))
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

    /**
     * The first state of a state machine: with {@code startAt} in its input (a run the fan-out started), wait until
     * then; without, go straight on (a run started by hand).
     */
    private Choice startAt(String prefix, software.amazon.awscdk.services.stepfunctions.IChainable then) {
        Wait until = Wait.Builder.create(this, prefix + "WaitForItsMinute")
                .time(WaitTime.timestampPath(StepProtocol.path(StepProtocol.START_AT)))
                .build();
        return Choice.Builder.create(this, prefix + "StartAt?")
                .build()
                .when(Condition.isPresent(StepProtocol.path(StepProtocol.START_AT)), until.next(then))
                .otherwise(then);
    }

    /** The accounts whose lifeboat/restore/ secrets a restore may read: the backup account and each source account. */
    static List<String> restoreAccounts(LifeboatConfig config, String backupAccount) {
        java.util.LinkedHashSet<String> accounts = new java.util.LinkedHashSet<>(List.of(backupAccount));
        config.databases().values().stream()
                .map(d -> d.source().account())
                .sorted()
                .forEach(accounts::add);
        return List.copyOf(accounts);
    }

    public Bucket vault() {
        return vault;
    }

    public Key key() {
        return key;
    }
}
