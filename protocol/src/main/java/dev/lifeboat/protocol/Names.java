package dev.lifeboat.protocol;

/**
 * The fixed names of the backup account's roles, functions, state machines, schedules, rules and alarms. The
 * names are fixed, not generated, because principals outside the backup stack name them: the organization's
 * service control policy ({@link Policies#organizationGuard}), the deletion rule that tells retention's own
 * deletions from anyone else's, and operators reading an alarm at 11 pm. Every one starts with
 * {@link #PREFIX}, so one wildcard in a policy covers them all.
 */
public final class Names {
    public static final String PREFIX = "lifeboat-";

    /** The snapshot pipeline's role: copies in, and deletes copies (retention). */
    public static final String PIPELINE_ROLE = PREFIX + "snapshot-pipeline";
    /** The restore function's role: the only one that shares copies out. */
    public static final String RESTORE_ROLE = PREFIX + "restore";

    public static final String VERIFICATION_ROLE = PREFIX + "verification";
    /** The audit function's role: reads through the source roles, the vault and the copies; publishes alerts. */
    public static final String AUDIT_ROLE = PREFIX + "audit";

    public static final String SNAPSHOT_STEP_FUNCTION = PREFIX + "snapshot-step";
    public static final String RESTORE_FUNCTION = PREFIX + "restore";
    public static final String VERIFICATION_STEP_FUNCTION = PREFIX + "verification-step";
    public static final String AUDIT_FUNCTION = PREFIX + "audit";

    /** The environment variable that gives the audit function the notifications topic it alerts through. */
    public static final String ALARM_TOPIC_VARIABLE = "LIFEBOAT_ALARM_TOPIC_ARN";

    public static final String SNAPSHOT_STATE_MACHINE = PREFIX + "snapshot-pipeline";
    public static final String VERIFICATION_STATE_MACHINE = PREFIX + "verification";
    /** Dump restores too large for Lambda, run as the ECS Fargate task (issue 13). */
    public static final String DUMP_RESTORE_STATE_MACHINE = PREFIX + "dump-restores";
    /** The ECS Fargate task definitions of the backup account: dump restores and verification checks. */
    public static final String RESTORE_TASK_FAMILY = PREFIX + "dump-restore";

    public static final String VERIFICATION_TASK_FAMILY = PREFIX + "verification-check";

    /**
     * The EventBridge rules of each source account and Region that forward the incident's calls to the backup
     * account (issue 12), by fixed names so the audit can check, from the backup account, that they are there,
     * enabled and pointed at the backup account's bus (issue 37): production controls them and could switch them
     * off before it strikes.
     */
    public static final String INCIDENT_RULE_PREFIX = PREFIX + "incident-";

    public static final java.util.List<String> INCIDENT_RULES = java.util.List.of(
            INCIDENT_RULE_PREFIX + "database-deleted",
            INCIDENT_RULE_PREFIX + "deletion-protection-off",
            INCIDENT_RULE_PREFIX + "snapshot-deleted",
            INCIDENT_RULE_PREFIX + "cluster-snapshot-deleted",
            INCIDENT_RULE_PREFIX + "replication-stopped");

    private Names() {}

    /** The backup account's default event bus, where the source accounts forward the incident's calls. */
    public static String backupBusArn(String backupAccount, String backupRegion) {
        return "arn:aws:events:" + backupRegion + ":" + backupAccount + ":event-bus/default";
    }

    /** {@code arn:aws:iam::ACCOUNT:role/NAME}. */
    public static String roleArn(String account, String name) {
        return "arn:aws:iam::" + account + ":role/" + name;
    }
}
