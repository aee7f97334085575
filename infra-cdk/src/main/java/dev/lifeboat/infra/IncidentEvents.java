package dev.lifeboat.infra;

import dev.lifeboat.protocol.Names;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.CfnEventBusPolicy;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The incident itself, seen as it happens (issue 12): in each source account, rules on CloudTrail's management
 * events forward to the backup account's default event bus any deletion of a DB instance or cluster, any change
 * that turns deletion protection off, any deletion of a Lifeboat snapshot, and any stop of the cross-Region
 * replication of automated backups; in the backup account, those events alarm through the notifications topic,
 * saying what happened, where, by whom, and how to restore. "AWS API Call via CloudTrail" events reach
 * EventBridge only from a trail that logs management events in that account and Region
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html): the source
 * accounts need one (an organization trail counts); the app does not add a second one to production.
 */
final class IncidentEvents {
    private IncidentEvents() {}

    private static final List<String> API_CALL = List.of("AWS API Call via CloudTrail");

    /** The source account's side: three rules, each forwarding to the backup account's default bus. */
    static void forward(Construct scope, String backupAccount, String backupRegion) {
        IEventBus bus =
                EventBus.fromEventBusArn(scope, "BackupAccountBus", Names.backupBusArn(backupAccount, backupRegion));
        // A role, so that forwarding also works across Regions
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html).
        Role role = Role.Builder.create(scope, "ForwardIncidentsRole")
                .assumedBy(new ServicePrincipal("events.amazonaws.com"))
                .build();
        var target = new software.amazon.awscdk.services.events.targets.EventBus(
                bus,
                software.amazon.awscdk.services.events.targets.EventBusProps.builder()
                        .role(role)
                        .build());
        rule(
                scope,
                "DatabaseDeleted",
                "a DB instance or cluster was deleted",
                Map.of("eventName", List.of("DeleteDBInstance", "DeleteDBCluster")),
                target);
        rule(
                scope,
                "DeletionProtectionTurnedOff",
                "deletion protection was turned off",
                Map.of(
                        "eventName", List.of("ModifyDBInstance", "ModifyDBCluster"),
                        "requestParameters", Map.of("deletionProtection", List.of(false))),
                target);
        rule(
                scope,
                "LifeboatSnapshotDeleted",
                "a Lifeboat snapshot was deleted",
                Map.of(
                        "eventName", List.of("DeleteDBSnapshot"),
                        "requestParameters", Map.of("dBSnapshotIdentifier", List.of(Map.of("prefix", "lifeboat-")))),
                target);
        rule(
                scope,
                "LifeboatClusterSnapshotDeleted",
                "a Lifeboat cluster snapshot was deleted",
                Map.of(
                        "eventName", List.of("DeleteDBClusterSnapshot"),
                        "requestParameters",
                                Map.of("dBClusterSnapshotIdentifier", List.of(Map.of("prefix", "lifeboat-")))),
                target);
        rule(
                scope,
                "BackupReplicationStopped",
                "the cross-Region replication of automated backups was stopped",
                Map.of("eventName", List.of("StopDBInstanceAutomatedBackupsReplication")),
                target);
    }

    private static void rule(
            Construct scope,
            String id,
            String what,
            Map<String, Object> detail,
            software.amazon.awscdk.services.events.IRuleTarget target) {
        Rule.Builder.create(scope, id)
                // A fixed name (Names.INCIDENT_RULES): the audit checks from the backup account that each is there,
                // enabled and aimed at the backup account's bus (issue 37).
                .ruleName(Names.INCIDENT_RULE_PREFIX + NAMES.get(id))
                .description("Lifeboat: " + what + "; forwarded to the backup account")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.rds"))
                        .detailType(API_CALL)
                        .detail(detail)
                        .build())
                .targets(List.of(target))
                .build();
    }

    /** Each rule's name after {@link Names#INCIDENT_RULE_PREFIX}, by construct id. */
    static final Map<String, String> NAMES = Map.of(
            "DatabaseDeleted", "database-deleted",
            "DeletionProtectionTurnedOff", "deletion-protection-off",
            "LifeboatSnapshotDeleted", "snapshot-deleted",
            "LifeboatClusterSnapshotDeleted", "cluster-snapshot-deleted",
            "BackupReplicationStopped", "replication-stopped");

    /** Every API call the source rules forward. */
    static final List<String> FORWARDED = List.of(
            "DeleteDBInstance",
            "DeleteDBCluster",
            "ModifyDBInstance",
            "ModifyDBCluster",
            "DeleteDBSnapshot",
            "DeleteDBClusterSnapshot",
            "StopDBInstanceAutomatedBackupsReplication");

    /**
     * The backup account's side: the source accounts (other than itself) may put RDS events on its bus; those
     * events alarm. The rule names the forwarded calls and accounts, so the backup account's own RDS calls (the
     * pipeline's copies and deletions) never match. Returns the rule (null when no other account is configured),
     * so the audit function can follow each event with the newest backups of the database it hit.
     */
    static Rule receive(Construct scope, String backupAccount, List<String> accounts, ITopic alarms) {
        List<String> sourceAccounts =
                accounts.stream().filter(a -> !a.equals(backupAccount)).toList();
        if (sourceAccounts.isEmpty()) {
            return null;
        }
        // One statement for every source account: a fleet of accounts adds principals, not resources (issue 16).
        CfnEventBusPolicy.Builder.create(scope, "IncidentsFromSourceAccounts")
                .eventBusName("default")
                .statementId("LifeboatIncidentsFromSourceAccounts")
                .statement(Map.of(
                        "Sid",
                        "LifeboatIncidentsFromSourceAccounts",
                        "Effect",
                        "Allow",
                        "Principal",
                        Map.of(
                                "AWS",
                                sourceAccounts.stream()
                                        .map(a -> "arn:aws:iam::" + a + ":root")
                                        .toList()),
                        "Action",
                        "events:PutEvents",
                        "Resource",
                        "arn:aws:events:" + software.amazon.awscdk.Aws.REGION + ":"
                                + software.amazon.awscdk.Aws.ACCOUNT_ID + ":event-bus/default",
                        "Condition",
                        Map.of("StringEquals", Map.of("events:source", "aws.rds"))))
                .build();
        return Rule.Builder.create(scope, "IncidentInProduction")
                .description(
                        "Lifeboat: a database, its deletion protection or its backups were destroyed in production")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.rds"))
                        .detailType(API_CALL)
                        // Only the source accounts may put events here (the bus policy above): anything but the backup
                        // account's own calls is theirs, in a pattern whose size does not grow with the fleet.
                        .account(software.amazon.awscdk.services.events.Match.anythingBut(backupAccount))
                        .detail(Map.of("eventName", FORWARDED))
                        .build())
                .targets(List.of(SnsTopic.Builder.create(alarms)
                        .message(RuleTargetInput.fromText("Lifeboat: " + EventField.fromPath("$.detail.eventName")
                                + " in " + EventField.getAccount() + "/" + EventField.getRegion() + " at "
                                + EventField.getTime() + " by " + EventField.fromPath("$.detail.userIdentity.arn")
                                + ". The backups in the backup account are untouched: check them with `lifeboat list"
                                + " --snapshots --config lifeboat.yml` and restore with docs/runbook.md."))
                        .build()))
                .build();
    }

    /**
     * Each event {@code incidents} receives (none when null) followed by the audit function, which answers it with
     * the newest backups of the database it hit and how to restore them; an event it cannot deliver kept in a
     * dead-letter queue.
     */
    static void followedByAudit(Construct scope, Rule incidents, IFunction audit, IKey alarmKey) {
        if (incidents == null) {
            return;
        }
        // EventBridge itself writes an undelivered event to the target's dead-letter queue, as
        // events.amazonaws.com: the key of an encrypted queue must admit it
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). The backup key admits no
        // service, and must not (it guards the vault), so the incident events' queue is encrypted with the
        // notifications key, whose policy admits EventBridge of this account (AlarmTopic; issue 36, item 10).
        Queue incidentDeadLetters = Queue.Builder.create(scope, "IncidentDeadLetters")
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
}
