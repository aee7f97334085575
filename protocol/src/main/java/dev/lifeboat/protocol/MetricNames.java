package dev.lifeboat.protocol;

/**
 * The CloudWatch metrics the functions publish (EMF) and the CDK app's alarms and dashboard read: one
 * spelling on both sides, so a renamed metric cannot leave an alarm watching nothing.
 */
public final class MetricNames {
    public static final String NAMESPACE = "Lifeboat";

    public static final String DIMENSION_DATABASE = "Database";
    public static final String DIMENSION_ACCOUNT = "Account";
    public static final String DIMENSION_REGION = "Region";

    public static final String DUMP_BYTES = "DumpBytes";
    public static final String DUMP_SECONDS = "DumpSeconds";
    public static final String DUMP_SUCCESS = "DumpSuccess";
    /** Hours since the newest sound dump in the vault finished: computed in the backup account, by the sweeper. */
    public static final String NEWEST_DUMP_AGE_HOURS = "NewestDumpAgeHours";

    public static final String SNAPSHOT_QUOTA_USED_RATIO = "SnapshotQuotaUsedRatio";
    public static final String SNAPSHOT_RUN_DONE = "SnapshotRunDone";
    public static final String SNAPSHOT_RUN_FAILED = "SnapshotRunFailed";
    public static final String SNAPSHOT_COPIES_KEPT = "SnapshotCopiesKept";
    /**
     * A run refused a snapshot under its name that was not its own (another database's, or made before the run):
     * tampering in a source account (issue 37). Dimension Account: the backup account, so one alarm covers the fleet;
     * the run's failure message names the database and the snapshot.
     */
    public static final String SNAPSHOTS_PLANTED = "SnapshotsPlanted";
    /** A pipeline step that found no room and waits (Account, Region): the fleet's queue, summed per period. */
    public static final String SNAPSHOT_RUNS_QUEUED = "SnapshotRunsQueued";

    public static final String VERIFICATION_SUCCESS = "VerificationSuccess";
    public static final String RECOVERY_SECONDS = "RecoverySeconds";
    public static final String VERIFIED_BACKUP_AGE_HOURS = "VerifiedBackupAgeHours";

    /** The audit's findings by severity (dimension Severity: HIGH, MEDIUM), published every run, 0 included. */
    public static final String AUDIT_FINDINGS = "AuditFindings";

    public static final String DIMENSION_SEVERITY = "Severity";

    /** Destructive calls in production the audit function alerted on (Database: the database, or "unprotected"). */
    public static final String INCIDENTS = "Incidents";

    /** Runs the fleet's fan-out started (dimension Job: SNAPSHOT, VERIFY). */
    public static final String RUNS_STARTED = "RunsStarted";

    public static final String DIMENSION_JOB = "Job";

    /** Databases whose newest copy or dump is older than their schedules.maxAge, counted by the audit. */
    public static final String STALE_BACKUPS = "StaleBackups";

    /** Databases with scheduled verifications but none passed within audit.verifiedWithinDays. */
    public static final String UNVERIFIED_DATABASES = "UnverifiedDatabases";

    /**
     * A deployed streamer's change archive (issues 40 and 41), published every minute by the task (dimension
     * Database): how far behind its source the archive is, in seconds (the age of the newest commit or event it holds,
     * zero once nothing is left to read). Missing for longer than the database's stream.lagAlarm alarms too: the
     * streamer is not running.
     */
    public static final String CHANGE_ARCHIVE_LAG_SECONDS = "ChangeArchiveLagSeconds";

    /** PostgreSQL: the server's WAL that Lifeboat's replication slot holds back, in bytes. */
    public static final String CHANGE_SLOT_RETAINED_BYTES = "ChangeSlotRetainedBytes";

    /** Gaps the streamer marked in its archive (a restore cannot cross one until a newer dump exists). */
    public static final String CHANGE_ARCHIVE_GAPS = "ChangeArchiveGaps";

    /**
     * The recovery point per database (issue 41), published by the audit in the backup account: minutes between now
     * and the newest moment a restore reaches (a dump, a snapshot copy, or the change archive from the newest dump).
     */
    public static final String RECOVERY_POINT_AGE_MINUTES = "RecoveryPointAgeMinutes";

    /**
     * The environment the metrics library of an ECS Fargate task runs in ({@code AWS_EMF_ENVIRONMENT}): Local writes
     * each metric to standard output, which the awslogs driver sends to CloudWatch Logs, where it becomes a metric
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Generation_PutLogEvents.html).
     * Unset, and with ECS's metadata variables, the library sends them to a CloudWatch agent at 127.0.0.1:25888 that
     * the tasks do not run: every metric lost (found by a hostile review of the streamer).
     */
    public static final String EMF_ENVIRONMENT_OF_TASKS = "Local";

    private MetricNames() {}
}
