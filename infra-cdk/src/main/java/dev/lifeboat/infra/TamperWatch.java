package dev.lifeboat.infra;

import dev.lifeboat.protocol.Names;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudtrail.Trail;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Tampering in the backup account itself, alarmed as it happens: an attempt to delete, disable or re-police the
 * backup key or the notifications key, and a deletion of a snapshot copy by anyone but the pipeline's retention; and
 * the trail of management events that brings those calls to EventBridge. Made in the backup stack's own scope, so
 * its resources keep their logical ids.
 */
final class TamperWatch {
    private TamperWatch() {}

    static void create(Construct scope, String backupAccount, Key key, Key alarmKey, Topic alarms, Bucket accessLogs) {
        Rule.Builder.create(scope, "KeyDeletionAttempt")
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
        // Copies have no Object Lock: any deletion of a snapshot in the backup account by anyone but the snapshot
        // pipeline's role (retention) alarms. The events come from the trail below.
        Rule.Builder.create(scope, "SnapshotDeletedOutsideRetention")
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
                                                        "arn:aws:sts::" + backupAccount + ":assumed-role/"
                                                                + Names.PIPELINE_ROLE + "/"))))))
                        .build())
                .targets(List.of(new SnsTopic(alarms)))
                .build();
        // "AWS API Call via CloudTrail" events reach EventBridge only from a trail that logs management events
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
        Bucket trailLogs = Bucket.Builder.create(scope, "TrailLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("trail/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Trail.Builder.create(scope, "ManagementEvents")
                .bucket(trailLogs)
                .isMultiRegionTrail(true)
                .includeGlobalServiceEvents(true)
                .enableFileValidation(true)
                .build();
    }
}
