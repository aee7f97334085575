package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.StepProtocol;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;

/**
 * The backup account's EventBridge Scheduler schedules: the role they run as, and the dead-letter queue a firing
 * goes to when it cannot invoke its target (ScheduleFailed, in {@link BackupAlarms}, watches it). Made in the backup
 * stack's own scope, so they keep their logical ids.
 *
 * @param role what every schedule invokes its target as: its targets grant it their invoke
 * @param deadLetters where a firing goes after its retries
 */
record BackupSchedules(Stack stack, Role role, Queue deadLetters) {
    static BackupSchedules create(Stack stack, Key alarmKey) {
        Role schedulerRole = Role.Builder.create(stack, "SchedulerRole")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .build();
        // A firing that cannot invoke its target (a removed permission, a throttled or deleted function) is not
        // dropped in silence (issue 37, item 3): after its retries, EventBridge Scheduler sends it, as the schedule's
        // execution role, to this queue
        // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html:
        // the role needs sqs:SendMessage), and ScheduleFailed alarms while the queue holds one. Encrypted with the
        // notifications key; the role may use it to send, nothing else.
        Queue deadLetters = Queue.Builder.create(stack, "ScheduleDeadLetters")
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(alarmKey)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        deadLetters.grantSendMessages(schedulerRole);
        return new BackupSchedules(stack, schedulerRole, deadLetters);
    }

    /**
     * The backup account's standing jobs, each target granting the schedules' role its invoke: retention, the
     * verification sweeper, the fleet's fan-outs (issue 16), the audit and its daily digest.
     */
    void jobs(LifeboatConfig config, BackupFunctions functions) {
        LifeboatConfig.Backup backup = config.backup();
        // Retention: each database's GFS counts applied to its copies, daily.
        functions.snapshotStep.grantInvoke(role);
        add("retention", "cron(30 5 * * ? *)", functions.snapshotStep.getFunctionArn(), "{\"action\": \"prune\"}");
        // The sweeper: verification instances a crashed run left behind, once they expire.
        functions.verifyStep.grantInvoke(role);
        add("verification-sweeper", "rate(6 hours)", functions.verifyStep.getFunctionArn(), "{\"action\": \"sweep\"}");
        // The fleet's schedules (issue 16): one per job and expression in use, whatever the number of databases;
        // each firing fans out (the snapshot step's "fanout") to the runs of every database on that expression.
        // By the machines' fixed names, not references: the pipeline already refers to this function.
        functions
                .snapshotStep
                .getRole()
                .attachInlinePolicy(
                        Iam.policy(stack, "FanOutPolicy", Policies.fanOut(backup.account(), backup.region())));
        fanOuts(config, functions.snapshotStep.getFunctionArn());
        functions.audit.grantInvoke(role);
        add("audit", config.audit().schedule(), functions.audit.getFunctionArn(), "{\"action\": \"audit\"}");
        // The dead man's switch (issue 37): a daily report to the alarm subscribers, so a silenced alarm path is
        // noticed by its silence.
        add("digest", "cron(0 8 * * ? *)", functions.audit.getFunctionArn(), "{\"action\": \"digest\"}");
    }

    /** A schedule {@code lifeboat-NAME} invoking {@code target} with {@code input} (the target grants the invoke). */
    void add(String name, String expression, String target, String input) {
        CfnSchedule.Builder.create(stack, "Schedule-" + name)
                .name("lifeboat-" + name)
                .scheduleExpression(expression)
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder()
                        .mode("OFF")
                        .build())
                .target(CfnSchedule.TargetProperty.builder()
                        .arn(target)
                        .roleArn(role.getRoleArn())
                        .input(input)
                        .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                .maximumRetryAttempts(3)
                                .build())
                        .deadLetterConfig(CfnSchedule.DeadLetterConfigProperty.builder()
                                .arn(deadLetters.getQueueArn())
                                .build())
                        .build())
                .build();
    }

    /** One fan-out schedule per job and expression lifeboat.yml uses, each invoking {@code snapshotStep}. */
    void fanOuts(LifeboatConfig config, String snapshotStep) {
        Map<String, java.util.SortedSet<String>> expressions = new java.util.TreeMap<>();
        for (LifeboatConfig.Database db : config.databases().values()) {
            if (db.schedules().snapshot() != null) {
                expressions
                        .computeIfAbsent("snapshot", k -> new java.util.TreeSet<>())
                        .add(db.schedules().snapshot());
            }
            if (db.schedules().verify() != null) {
                expressions
                        .computeIfAbsent("verify", k -> new java.util.TreeSet<>())
                        .add(db.schedules().verify());
            }
        }
        expressions.forEach((job, set) -> {
            for (String expression : set) {
                var input = new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put(StepProtocol.ACTION, StepProtocol.FANOUT)
                        .put("job", job)
                        .put("schedule", expression)
                        .put("runId", "<aws.scheduler.scheduled-time>");
                add(
                        job + "-"
                                + dev.lifeboat.core.stream.Sha256.hex(
                                                expression.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                        .substring(0, 10),
                        expression,
                        snapshotStep,
                        input.toString());
            }
        });
    }
}
