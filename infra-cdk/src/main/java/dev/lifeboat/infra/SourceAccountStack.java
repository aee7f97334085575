package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.Policies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
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

    /**
     * The dump function inside the databases' VPC, and what goes with it: its egress, the databases' groups admitting
     * it, its alarm, the Fargate task and the streams where lifeboat.yml asks for them, and its schedules.
     */
    private void dumpFunction(LifeboatConfig config, String region, List<LifeboatConfig.Database> dumped, Path root) {
        DumpNetwork network = DumpNetwork.create(this, dumped);
        boolean fargate = dumped.stream().anyMatch(d -> d.dump().mayRunOnFargate());
        DumpFunction dump = new DumpFunction(this, config, region, dumped, root, network, fargate);
        // How the function reaches Secrets Manager and the vault from its subnets.
        DumpEgress.create(this, config, region, dumped, network, dump.configuration);
        network.admit(this, dumped);
        DumpSchedules schedules = DumpSchedules.create(this, dump.fn);
        // A failed dump alarms here, in the source account; the backup account's DumpStale alarm, computed from
        // the vault's manifests, is the one production cannot silence.
        AlarmTopic alarmTopic = AlarmTopic.create(this, getAccount(), getRegion());
        config.backup().alarmEmails().forEach(e -> alarmTopic.topic().addSubscription(new EmailSubscription(e)));
        FargateDumps onFargate = null;
        if (fargate) {
            onFargate = new FargateDumps(
                    this,
                    root,
                    network.vpc(),
                    network.subnets(),
                    network.groups(),
                    dump.role,
                    dump.fn,
                    dump.taskEnvironment(dumped),
                    alarmTopic.topic());
            onFargate.stateMachine.grantStartExecution(schedules.role());
        }
        List<LifeboatConfig.Database> streamed =
                dumped.stream().filter(d -> d.dump().stream() != null).toList();
        if (!streamed.isEmpty()) {
            new FargateStreams(
                    this,
                    root,
                    config,
                    region,
                    network.vpc(),
                    network.subnets(),
                    network.groups(),
                    dump.configuration,
                    dump.networkDescription,
                    streamed,
                    alarmTopic.topic());
        }
        AlarmTopic.failedAtLeastOnce(
                        this,
                        "DumpFunctionErrors",
                        dump.fn.metricErrors(MetricOptions.builder()
                                .period(Duration.minutes(5))
                                .statistic("Sum")
                                .build()),
                        "Lifeboat: a dump in " + getAccount() + " " + getRegion() + " failed")
                .addAlarmAction(new SnsAction(alarmTopic.topic()));
        schedules.add(dumped, dump.fn, onFargate);
    }

    public IRole role() {
        return role;
    }

    public Key shareKey() {
        return shareKey;
    }
}
