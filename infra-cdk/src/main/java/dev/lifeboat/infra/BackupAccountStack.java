package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.KeyPolicies;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The backup account: the vault, the backup key, the functions, the snapshot pipeline's state machine,
 * the schedules, the alarms and the dashboard. Everything stateful is RETAIN and the stack has
 * termination protection: the backups must outlive any mistake in this account too. Each concern is a class of
 * its own that makes its resources in this stack's scope, so their logical ids do not depend on the split.
 */
public final class BackupAccountStack extends Stack {
    private final Bucket vault;
    private final Key key;

    public BackupAccountStack(
            Construct scope, String id, StackProps props, LifeboatConfig config, Path repositoryRoot) {
        super(scope, id, props);
        LifeboatConfig.Backup backup = config.backup();
        check(config);
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

        // Notifications: a topic with a key of its own that CloudWatch and EventBridge may use (AlarmTopic).
        AlarmTopic alarmTopic =
                AlarmTopic.create(this, backup.account(), backup.region(), backup.alarmSubscriberAccounts());
        Key alarmKey = alarmTopic.key();
        Topic alarms = alarmTopic.topic();
        for (String email : backup.alarmEmails()) {
            alarms.addSubscription(new EmailSubscription(email));
        }
        Rule incidents = IncidentEvents.receive(this, backup.account(), List.copyOf(sourceAccounts), alarms);
        TamperWatch.create(this, backup.account(), key, alarmKey, alarms, vaultBucket.accessLogs());

        BackupFunctions functions =
                new BackupFunctions(this, config, repositoryRoot, key, vault, alarms, alarmKey, configDocument);
        // How the verification and restore functions reach RDS, STS, Secrets Manager and the vault from their subnets.
        BackupNetwork.create(this, config, vault, configDocument);
        java.time.Duration widest = RunStarts.widestWindow(config);
        StateMachine snapshotPipeline = SnapshotPipeline.create(this, functions.snapshotStep, alarms, alarmKey, widest);
        // Dump restores and verification checks too large for Lambda (issue 13): the Fargate task, where a database's
        // dumps may run on Fargate.
        FargateRestores onFargate = FargateRestores.whereDumpsMayRunOnFargate(
                this,
                config,
                repositoryRoot,
                functions.restore.getRole(),
                functions.verifyStep.getRole(),
                configDocument,
                alarms);
        VerificationRuns verification =
                new VerificationRuns(this, backup, functions.verifyStep, onFargate, alarms, alarmKey, widest);

        // One schedule per database and job, from lifeboat.yml, and the standing jobs; a firing that cannot invoke
        // its target goes to a dead-letter queue an alarm watches (BackupSchedules).
        BackupSchedules schedules = BackupSchedules.create(this, alarmKey);
        schedules.jobs(config, functions);
        IncidentEvents.followedByAudit(this, incidents, functions.audit, alarmKey);

        BackupAlarms.create(
                this,
                backup,
                alarms,
                functions.all(),
                snapshotPipeline,
                schedules.deadLetters(),
                verification.stateMachine);
    }

    /** What lifeboat.yml must say for the backup account: the break-glass role, and the network verification needs. */
    private static void check(LifeboatConfig config) {
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
