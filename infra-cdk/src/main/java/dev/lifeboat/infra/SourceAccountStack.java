package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.LambdaLimits;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.VaultKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One source account and Region: the role the backup account assumes (with an external id), allowed
 * to describe, create, copy and share snapshots and to delete only the snapshots Lifeboat tagged; and
 * the customer managed share key whose policy lets the backup account copy what is shared.
 */
public final class SourceAccountStack extends Stack {
    /** The dump function's role name starts with this; the vault's bucket policy lets such roles add objects. */
    public static final String DUMP_ROLE_PREFIX = "lifeboat-dump-";

    private final IRole role;
    private final Key shareKey;

    public SourceAccountStack(
            Construct scope,
            String id,
            StackProps props,
            LifeboatConfig config,
            String account,
            String region,
            Path repositoryRoot) {
        super(scope, id, props);
        String backupAccount = config.backup().account();
        List<LifeboatConfig.Database> here = config.databases().values().stream()
                .filter(d -> d.source().account().equals(account)
                        && d.source().region().equals(region))
                .toList();
        if (config.sourceDeployment() == LifeboatConfig.SourceDeployment.STACKSETS) {
            // The StackSet deploys the role, the share key and the incident rules; this stack, the dump function.
            role = null;
            shareKey = null;
        } else {
            // IAM names are unique in an account across its Regions: the role is made once, in the stack of the
            // account's first Region in lifeboat.yml order, with every Region's statements; the other Regions' stacks
            // make the share key and the incident rules, and name the role (issue 36, item 1;
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, "IAM name requirements").
            List<LifeboatConfig.Database> ofAccount = config.databases().values().stream()
                    .filter(d -> d.source().account().equals(account))
                    .toList();
            boolean makesTheRole = firstRegion(config, account).equals(region);
            Baseline b = baseline(
                    this,
                    account,
                    region,
                    databaseArns(here, account, region),
                    externalIds(makesTheRole ? ofAccount : here),
                    roleName(here.getFirst()),
                    backupAccount,
                    config.backup().region(),
                    config.backup().kmsKeyArn(),
                    makesTheRole);
            if (makesTheRole) {
                Set<String> otherRegions = new LinkedHashSet<>();
                ofAccount.forEach(d -> otherRegions.add(d.source().region()));
                otherRegions.remove(region);
                for (String other : otherRegions) {
                    List<LifeboatConfig.Database> there = ofAccount.stream()
                            .filter(d -> d.source().region().equals(other))
                            .toList();
                    // Managed: the role's inline policies share IAM's 10,240 characters, and each Region adds its own.
                    Iam.attachManaged(
                            this,
                            b.role(),
                            "SourcePolicy-" + other,
                            Policies.sourceRole(
                                    account,
                                    other,
                                    databaseArns(there, account, other),
                                    backupAccount,
                                    config.backup().kmsKeyArn()));
                }
            }
            role = b.role();
            shareKey = b.shareKey();
        }
        List<LifeboatConfig.Database> dumped = here.stream()
                .filter(d -> d.dump() != null
                        && d.dump().vpcId() != null
                        && config.backup().vault() != null)
                .toList();
        if (!dumped.isEmpty()) {
            dumpFunction(config, region, dumped, repositoryRoot);
        }
    }

    /** The role, the share key and the incident rules of a source account and Region. */
    record Baseline(IRole role, Key shareKey) {}

    /** The first Region of {@code account}'s databases in lifeboat.yml order: its stack makes the source role. */
    static String firstRegion(LifeboatConfig config, String account) {
        return config.databases().values().stream()
                .filter(d -> d.source().account().equals(account))
                .map(d -> d.source().region())
                .findFirst()
                .orElseThrow();
    }

    /**
     * What every source account and Region holds, in {@code scope}: the role the backup account assumes (with
     * {@code externalIds}), allowed to snapshot {@code databaseArns}; the share key; the rules that forward the
     * incident's calls to the backup account. {@code account}, {@code region}, {@code databaseArns} and
     * {@code externalIds} may be CloudFormation tokens (the StackSet's template, SourceStackSetStack).
     */
    static Baseline baseline(
            Construct scope,
            String account,
            String region,
            List<String> databaseArns,
            List<String> externalIds,
            String roleName,
            String backupAccount,
            String backupRegion,
            String backupKeyArn) {
        return baseline(
                scope,
                account,
                region,
                databaseArns,
                externalIds,
                roleName,
                backupAccount,
                backupRegion,
                backupKeyArn,
                true);
    }

    /** As above; without {@code makeTheRole}, the role is the one another Region's stack of the account makes. */
    static Baseline baseline(
            Construct scope,
            String account,
            String region,
            List<String> databaseArns,
            List<String> externalIds,
            String roleName,
            String backupAccount,
            String backupRegion,
            String backupKeyArn,
            boolean makeTheRole) {
        IRole role;
        if (makeTheRole) {
            Role made = Role.Builder.create(scope, "LifeboatSourceRole")
                    .roleName(roleName)
                    .description(
                            "Lifeboat (backup account " + backupAccount + "): snapshots of this account's databases")
                    .assumedBy(new AccountPrincipal(backupAccount)
                            .withConditions(Map.of("StringEquals", Map.of("sts:ExternalId", externalIds))))
                    .build();
            made.attachInlinePolicy(Iam.policy(
                    scope,
                    "SourcePolicy",
                    Policies.sourceRole(account, region, databaseArns, backupAccount, backupKeyArn)));
            role = made;
        } else {
            role = Role.fromRoleName(scope, "LifeboatSourceRole", roleName);
        }
        // The source role uses it through its own policy (this account's keys, through RDS only).
        Key shareKey = GuardedKeys.create(
                scope,
                "ShareKey",
                "alias/lifeboat-share",
                "Lifeboat: re-encrypts snapshots so they can be shared with the backup account " + backupAccount,
                KeyPolicies.shareKey(account, backupAccount));
        // The incident as it happens: deletions and protection changes, forwarded to the backup account.
        IncidentEvents.forward(scope, backupAccount, backupRegion);
        return new Baseline(role, shareKey);
    }

    /** The ARNs of {@code here}'s databases ({@code db:} or {@code cluster:}) in that account and Region. */
    static List<String> databaseArns(List<LifeboatConfig.Database> here, String account, String region) {
        String rds = "arn:aws:rds:" + region + ":" + account + ":";
        List<String> databases = new ArrayList<>();
        for (LifeboatConfig.Database d : here) {
            databases.add(rds
                    + (d.source().kind() == DbKind.CLUSTER ? "cluster:" : "db:")
                    + d.source().identifier());
        }
        return databases;
    }

    static List<String> externalIds(List<LifeboatConfig.Database> here) {
        Set<String> ids = new LinkedHashSet<>();
        here.forEach(d -> ids.add(d.source().externalId()));
        return new ArrayList<>(ids);
    }

    static String roleName(LifeboatConfig.Database d) {
        String roleArn = d.source().roleArn();
        return roleArn.substring(roleArn.indexOf(":role/") + ":role/".length());
    }

    /** The dump function inside the databases' VPC: reads their secrets, adds objects to the vault, nothing more. */
    private void dumpFunction(LifeboatConfig config, String region, List<LifeboatConfig.Database> dumped, Path root) {
        LifeboatConfig.DumpSettings first = dumped.getFirst().dump();
        DumpNetwork network = DumpNetwork.create(this, dumped);
        var vpc = network.vpc();
        List<ISubnet> subnets = network.subnets();
        List<ISecurityGroup> groups = network.groups();
        List<String> subnetIds = network.subnetIds();
        List<String> groupIds = network.groupIds();
        boolean fargate = dumped.stream().anyMatch(d -> d.dump().mayRunOnFargate());
        if (fargate && first.egress() != null && first.egress().mode() == LifeboatConfig.Egress.Kind.ENDPOINTS) {
            throw new IllegalArgumentException("databases." + dumped.getFirst().id() + ".dump.runOn: a Fargate task"
                    + " pulls its image from ECR and writes its log to CloudWatch Logs, which egress: endpoints does not"
                    + " reach; use egress: nat for databases whose dumps may run on Fargate, or runOn: lambda");
        }
        // The Fargate task (issue 13) runs as the same role: the vault's policy admits lifeboat-dump-* roles alone.
        Role dumpRole = Role.Builder.create(this, "DumpFunctionRole")
                .roleName(DUMP_ROLE_PREFIX + region)
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
        dumpRole.attachInlinePolicy(Iam.policy(
                this,
                "DumpPolicy",
                Policies.dumpRole(
                        secrets,
                        bucket,
                        prefixes,
                        config.backup().kmsKeyArn(),
                        config.backup().region())));
        var builder = DockerImageFunction.Builder.create(this, "DumpFunction")
                .description("Lifeboat: logical dumps of this account's databases into the vault of account "
                        + config.backup().account())
                .code(FunctionImages.of(root, "backup-function", null))
                .architecture(FunctionImages.ARCHITECTURE)
                .role(dumpRole)
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(subnets).build())
                .securityGroups(groups)
                .memorySize(2048)
                .ephemeralStorageSize(Size.mebibytes(1024))
                .timeout(Duration.minutes(LambdaLimits.MAX_INVOCATION.toMinutes()))
                .deadLetterQueue(Queue.Builder.create(this, "DumpDeadLetters")
                        .encryption(QueueEncryption.KMS_MANAGED)
                        .enforceSsl(true)
                        .retentionPeriod(Duration.days(14))
                        .removalPolicy(RemovalPolicy.RETAIN)
                        .build())
                .environment(Map.of(
                        "POWERTOOLS_SERVICE_NAME",
                        "lifeboat-dump",
                        "LIFEBOAT_NETWORK",
                        VpcEgress.describe(first.vpcId(), subnetIds, first.egress()),
                        FunctionImages.JAVA_OPTIONS,
                        FunctionImages.dumpJavaOptions(dumped)));
        if (config.dumpConcurrency() != null) {
            // At most that many dumps at once here; Lambda keeps the rest of a night's invocations queued (throttled
            // asynchronous invocations are retried for up to 6 hours) and runs them as dumps finish.
            builder.reservedConcurrentExecutions(config.dumpConcurrency());
        }
        var fn = builder.build();
        // lifeboat.yml with this account's databases only, published with this stack.
        ConfigDocuments.Published own = ConfigDocuments.publish(
                this,
                "Configuration",
                ConfigDocuments.only(
                        config.document(),
                        dumped.stream().map(LifeboatConfig.Database::id).toList()));
        own.give(fn);
        // How the function reaches Secrets Manager and the vault from its subnets.
        LifeboatConfig.Egress egress = first.egress();
        if (egress != null
                && egress.mode() == LifeboatConfig.Egress.Kind.ENDPOINTS
                && !egress.existing().containsKey("s3")
                && !region.equals(config.backup().region())) {
            throw new IllegalArgumentException("databases." + dumped.getFirst().id() + ".dump.egress: endpoints cannot"
                    + " reach the vault: it is in " + config.backup().region() + " and the dump function in " + region
                    + ", and an S3 endpoint serves only buckets of its own Region"
                    + " (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html). Use egress: nat");
        }
        List<String> secretArns = dumped.stream().map(d -> d.dump().secretArn()).toList();
        VpcEgress.create(
                this,
                "Dump",
                egress,
                region,
                first.vpcId(),
                subnetIds,
                groupIds,
                new VpcEgress.Need(
                        List.of("s3", "secretsmanager"),
                        Map.of(
                                "s3",
                                List.of(
                                        new Policies.Statement(
                                                "OnlyTheVault",
                                                "Allow",
                                                List.of(
                                                        "s3:PutObject",
                                                        "s3:AbortMultipartUpload",
                                                        "s3:GetObject",
                                                        "s3:GetObjectVersion",
                                                        "s3:ListBucket",
                                                        "s3:GetBucketObjectLockConfiguration"),
                                                List.of("arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"),
                                                Map.of(),
                                                List.of("*")),
                                        new Policies.Statement(
                                                "TheDeployedConfiguration",
                                                "Allow",
                                                List.of("s3:GetObject"),
                                                List.of(own.objectArn()),
                                                Map.of(),
                                                List.of("*"))),
                                "secretsmanager",
                                List.of(new Policies.Statement(
                                        "OnlyTheDatabaseSecrets",
                                        "Allow",
                                        List.of("secretsmanager:GetSecretValue"),
                                        secretArns,
                                        Map.of(),
                                        List.of("*"))))));
        // The databases' security groups admit the function, on their port, where lifeboat.yml names them.
        Set<String> rules = new LinkedHashSet<>();
        for (LifeboatConfig.Database d : dumped) {
            String dbGroup = d.dump().databaseSecurityGroupId();
            if (dbGroup == null) {
                continue;
            }
            int port = d.dump().port() != null ? d.dump().port() : d.engine().defaultPort();
            for (int i = 0; i < groupIds.size(); i++) {
                String fnGroup = groupIds.get(i);
                if (rules.add(dbGroup + "/" + fnGroup + "/" + port)) {
                    // The construct id counts the function's groups: an own group's id is known only at deploy.
                    CfnSecurityGroupIngress.Builder.create(this, "DatabaseAdmitsDump-" + dbGroup + "-" + i + "-" + port)
                            .groupId(dbGroup)
                            .sourceSecurityGroupId(fnGroup)
                            .ipProtocol("tcp")
                            .fromPort(port)
                            .toPort(port)
                            .description("Lifeboat's dump function reaches the database")
                            .build();
                }
            }
        }
        Role schedulerRole = Role.Builder.create(this, "DumpSchedulerRole")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .build();
        fn.grantInvoke(schedulerRole);
        // A failed dump alarms here, in the source account; the backup account's DumpStale alarm, computed from
        // the vault's manifests, is the one production cannot silence.
        AlarmTopic alarmTopic = AlarmTopic.create(this, getAccount(), getRegion());
        config.backup().alarmEmails().forEach(e -> alarmTopic.topic().addSubscription(new EmailSubscription(e)));
        FargateDumps onFargate = null;
        if (fargate) {
            Map<String, String> taskEnvironment = new java.util.LinkedHashMap<>(own.environment());
            taskEnvironment.put("POWERTOOLS_SERVICE_NAME", "lifeboat-dump");
            taskEnvironment.put("LIFEBOAT_NETWORK", VpcEgress.describe(first.vpcId(), subnetIds, first.egress()));
            taskEnvironment.put(FunctionImages.JAVA_OPTIONS, FunctionImages.dumpJavaOptions(dumped));
            onFargate = new FargateDumps(
                    this, root, vpc, subnets, groups, dumpRole, fn, taskEnvironment, alarmTopic.topic());
            onFargate.stateMachine.grantStartExecution(schedulerRole);
        }
        List<LifeboatConfig.Database> streamed =
                dumped.stream().filter(d -> d.dump().stream() != null).toList();
        if (!streamed.isEmpty()) {
            new FargateStreams(
                    this,
                    root,
                    config,
                    region,
                    vpc,
                    subnets,
                    groups,
                    own,
                    VpcEgress.describe(first.vpcId(), subnetIds, first.egress()),
                    streamed,
                    alarmTopic.topic());
        }
        AlarmTopic.failedAtLeastOnce(
                        this,
                        "DumpFunctionErrors",
                        fn.metricErrors(MetricOptions.builder()
                                .period(Duration.minutes(5))
                                .statistic("Sum")
                                .build()),
                        "Lifeboat: a dump in " + getAccount() + " " + getRegion() + " failed")
                .addAlarmAction(new SnsAction(alarmTopic.topic()));
        // One schedule per source instance and dump expression: its databases dump one after another in one
        // invocation, so an instance serves one dump at a time (issue 16), while dumpConcurrency caps the account.
        Map<String, List<LifeboatConfig.Database>> perInstance = new java.util.TreeMap<>();
        for (LifeboatConfig.Database d : dumped) {
            if (d.schedules().dump() != null) {
                perInstance
                        .computeIfAbsent(
                                d.source().identifier() + "|" + d.schedules().dump() + "|"
                                        + d.schedules().window(),
                                k -> new ArrayList<>())
                        .add(d);
            }
        }
        for (List<LifeboatConfig.Database> together : perInstance.values()) {
            LifeboatConfig.Database d = together.getFirst();
            // schedules.window spreads a fleet's dumps too: at the database's own minute in it (as the fan-out's
            // runs) where the expression has a fixed minute and hour; else by EventBridge Scheduler's flexible
            // window, whose <aws.scheduler.scheduled-time> stays the scheduled time, so the run id holds.
            java.util.Optional<String> itsMinute = dev.lifeboat.protocol.ScheduleSpread.shifted(
                    d.schedules().dump(),
                    dev.lifeboat.protocol.ScheduleSpread.offset(
                            d.id(), d.schedules().window()));
            boolean routed = onFargate != null
                    && together.stream().anyMatch(x -> x.dump().mayRunOnFargate());
            String input = routed
                    ? FargateDumps.input(
                            d.id(),
                            together.stream().map(LifeboatConfig.Database::id).toList())
                    : dev.lifeboat.protocol.request.Requests.json(dev.lifeboat.protocol.request.DumpRun.of(
                            together.stream().map(LifeboatConfig.Database::id).toList(),
                            "<aws.scheduler.scheduled-time>"));
            CfnSchedule.Builder.create(this, "DumpSchedule-" + d.id())
                    .name("lifeboat-" + d.id() + "-dump")
                    .description(
                            together.size() == 1
                                    ? "Lifeboat: dumps " + d.id()
                                    : "Lifeboat: dumps the databases of instance "
                                            + d.source().identifier() + " one after another")
                    .scheduleExpression(itsMinute.orElse(d.schedules().dump()))
                    .flexibleTimeWindow(
                            d.schedules().window().isZero() || itsMinute.isPresent()
                                    ? CfnSchedule.FlexibleTimeWindowProperty.builder()
                                            .mode("OFF")
                                            .build()
                                    : CfnSchedule.FlexibleTimeWindowProperty.builder()
                                            .mode("FLEXIBLE")
                                            .maximumWindowInMinutes(Math.min(
                                                    1440, d.schedules().window().toMinutes()))
                                            .build())
                    .target(CfnSchedule.TargetProperty.builder()
                            .arn(routed ? onFargate.stateMachine.getStateMachineArn() : fn.getFunctionArn())
                            .roleArn(schedulerRole.getRoleArn())
                            .input(input)
                            .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                    .maximumRetryAttempts(3)
                                    .build())
                            .build())
                    .build();
        }
    }

    public IRole role() {
        return role;
    }

    public Key shareKey() {
        return shareKey;
    }
}
