package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.MetricNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * The backup account's alarms, every one sent to the notifications topic, and its dashboard: the functions'
 * errors, failed snapshot and verification runs, schedules that could not fire, planted snapshots, the snapshot
 * quota, the fleet's stale and unverified databases and the audit's high findings. Made in the backup stack's own
 * scope, so they keep their logical ids.
 */
final class BackupAlarms {
    private BackupAlarms() {}

    static void create(
            Stack stack,
            LifeboatConfig.Backup backup,
            Topic alarms,
            List<Function> functions,
            StateMachine snapshotPipeline,
            Queue scheduleDeadLetters,
            StateMachine verification) {
        // Alarms and the dashboard.
        List<Alarm> all = new ArrayList<>();
        for (Function f : functions) {
            all.add(AlarmTopic.failedAtLeastOnce(
                    stack,
                    f.getNode().getId() + "Errors",
                    f.metricErrors(),
                    "Lifeboat: " + f.getNode().getId() + " failed"));
        }
        all.add(AlarmTopic.failedAtLeastOnce(
                stack, "SnapshotPipelineFailed", snapshotPipeline.metricFailed(), "Lifeboat: a snapshot run failed"));
        all.add(Alarm.Builder.create(stack, "ScheduleFailed")
                .metric(scheduleDeadLetters.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Lifeboat: a schedule (snapshot or verification fan-out, retention, sweeper, audit)"
                        + " could not invoke its target after its retries; the firing is in the ScheduleDeadLetters"
                        + " queue with the target's answer. Check the scheduler role and the function, then receive"
                        + " and delete the message")
                .build());
        all.add(Alarm.Builder.create(stack, "SnapshotPlanted")
                .metric(Metric.Builder.create()
                        .namespace(MetricNames.NAMESPACE)
                        .metricName(MetricNames.SNAPSHOTS_PLANTED)
                        .dimensionsMap(Map.of(MetricNames.DIMENSION_ACCOUNT, backup.account()))
                        .statistic("Sum")
                        .period(Duration.minutes(5))
                        .build())
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Lifeboat: a snapshot run found, under its own name in a source account, a snapshot"
                        + " it did not make (another database's, or older than the run) and refused it as planted;"
                        + " the failed run's message in the snapshot pipeline names the database and the snapshot")
                .build());
        Metric quota = Metric.Builder.create()
                .namespace(MetricNames.NAMESPACE)
                .metricName(MetricNames.SNAPSHOT_QUOTA_USED_RATIO)
                .dimensionsMap(Map.of(
                        MetricNames.DIMENSION_ACCOUNT, backup.account(), MetricNames.DIMENSION_REGION, backup.region()))
                .statistic("Maximum")
                .period(Duration.hours(1))
                .build();
        all.add(Alarm.Builder.create(stack, "SnapshotQuotaNearLimit")
                .metric(quota)
                .threshold(0.8)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Lifeboat: the backup account uses 80% of its manual snapshot quota")
                .build());
        all.add(AlarmTopic.failedAtLeastOnce(
                stack, "VerificationRunFailed", verification.metricFailed(), "Lifeboat: a verification run failed"));
        // The fleet's freshness, judged by the audit from the copies and the vault's manifests and reports
        // (issue 16: two alarms for any number of databases, where there were three per database). Dumps run in
        // the source accounts, whose alarms production controls: their freshness is judged here too.
        all.add(Alarm.Builder.create(stack, "BackupsStale")
                .metric(fleetCount(MetricNames.STALE_BACKUPS, backup.account()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                // A day without an audit is AuditFoundHighSeverity's to report.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Lifeboat: a database's newest snapshot copy or dump is older than its"
                        + " schedules.maxAge, or it has none; the audit function's output names which")
                .build());
        all.add(Alarm.Builder.create(stack, "BackupsUnverified")
                .metric(fleetCount(MetricNames.UNVERIFIED_DATABASES, backup.account()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Lifeboat: a database with scheduled verifications has had none pass within"
                        + " audit.verifiedWithinDays; the audit function's output names which")
                .build());
        Metric highFindings = Metric.Builder.create()
                .namespace(MetricNames.NAMESPACE)
                .metricName(MetricNames.AUDIT_FINDINGS)
                .dimensionsMap(Map.of(MetricNames.DIMENSION_SEVERITY, "HIGH"))
                .statistic("Maximum")
                .period(Duration.days(1))
                .build();
        all.add(Alarm.Builder.create(stack, "AuditFoundHighSeverity")
                .metric(highFindings)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                // No audit in a day is as bad as a finding: nobody is looking.
                .treatMissingData(TreatMissingData.BREACHING)
                .alarmDescription("Lifeboat: the audit found a high-severity problem (an unprotected database,"
                        + " deletion protection off, no automated backups, a stale backup), or did not run for a"
                        + " day; its findings are in the lifeboat-audit function's log and output")
                .build());
        all.forEach(a -> a.addAlarmAction(new SnsAction(alarms)));
        Dashboard.Builder.create(stack, "Dashboard")
                .dashboardName("Lifeboat")
                .widgets(List.of(
                        List.of(perDatabase(
                                "Recovery point, worst of the day (minutes of data a loss would cost; from the audit)",
                                MetricNames.RECOVERY_POINT_AGE_MINUTES,
                                "Maximum")),
                        List.of(
                                perDatabase("Dump bytes", MetricNames.DUMP_BYTES, "Average"),
                                GraphWidget.Builder.create()
                                        .title("Snapshot quota used")
                                        .left(List.of(quota))
                                        .build()),
                        List.of(
                                perDatabase(
                                        "Verified backup age (hours)",
                                        MetricNames.VERIFIED_BACKUP_AGE_HOURS,
                                        "Minimum"),
                                perDatabase(
                                        "Measured recovery time (s): restores and verification runs",
                                        MetricNames.RECOVERY_SECONDS,
                                        "Average"),
                                perDatabase(
                                        "Verifications passed (1) / failed (0)",
                                        MetricNames.VERIFICATION_SUCCESS,
                                        "Minimum")),
                        List.of(
                                GraphWidget.Builder.create()
                                        .title("Stale and unverified databases (audit)")
                                        .left(List.of(
                                                fleetCount(MetricNames.STALE_BACKUPS, backup.account()),
                                                fleetCount(MetricNames.UNVERIFIED_DATABASES, backup.account())))
                                        .build(),
                                perDatabase("Runs started by the fan-out", MetricNames.RUNS_STARTED, "Sum"),
                                GraphWidget.Builder.create()
                                        .title("Snapshot runs waiting for room (steps per 15 min)")
                                        .left(List.of(Metric.Builder.create()
                                                .namespace(MetricNames.NAMESPACE)
                                                .metricName(MetricNames.SNAPSHOT_RUNS_QUEUED)
                                                .dimensionsMap(Map.of(
                                                        MetricNames.DIMENSION_ACCOUNT,
                                                        backup.account(),
                                                        MetricNames.DIMENSION_REGION,
                                                        backup.region()))
                                                .statistic("Sum")
                                                .period(Duration.minutes(15))
                                                .build()))
                                        .build()),
                        List.of(GraphWidget.Builder.create()
                                .title("Audit findings by severity")
                                .left(List.of(
                                        highFindings,
                                        Metric.Builder.create()
                                                .namespace(MetricNames.NAMESPACE)
                                                .metricName(MetricNames.AUDIT_FINDINGS)
                                                .dimensionsMap(Map.of(MetricNames.DIMENSION_SEVERITY, "MEDIUM"))
                                                .statistic("Maximum")
                                                .period(Duration.hours(6))
                                                .build()))
                                .build())))
                .build();
    }

    /** A count the audit publishes for the whole fleet, its latest value in the last 6 hours. */
    private static Metric fleetCount(String name, String account) {
        return Metric.Builder.create()
                .namespace(MetricNames.NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of(MetricNames.DIMENSION_ACCOUNT, account))
                .statistic("Maximum")
                .period(Duration.hours(6))
                .build();
    }

    /**
     * A graph of {@code metric} for every database (or job) that publishes it: a SEARCH expression, so the
     * dashboard's size does not grow with the fleet (issue 16); CloudWatch shows at most 500 series in one graph.
     */
    private static GraphWidget perDatabase(String title, String metric, String statistic) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(List.of(software.amazon.awscdk.services.cloudwatch.MathExpression.Builder.create()
                        .expression("SEARCH('{" + MetricNames.NAMESPACE + ","
                                + (metric.equals(MetricNames.RUNS_STARTED)
                                        ? MetricNames.DIMENSION_JOB
                                        : MetricNames.DIMENSION_DATABASE)
                                + "} MetricName=\"" + metric + "\"', '"
                                + statistic + "', 86400)")
                        .label("")
                        .period(Duration.days(1))
                        .build()))
                .build();
    }
}
