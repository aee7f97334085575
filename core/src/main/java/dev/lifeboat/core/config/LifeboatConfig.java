package dev.lifeboat.core.config;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import java.util.List;
import java.util.Map;

/**
 * {@code lifeboat.yml}: the backup account and every database Lifeboat protects. Shared by the
 * command line, the functions and the CDK app. Built by the config module's ConfigLoader, which validates
 * every field and names the path of a bad one. {@code document} is the file as compact JSON (YAML's
 * subset, comments dropped): what the CDK app hands the functions in LIFEBOAT_CONFIG_YAML.
 * {@code dumpConcurrency}: at most that many dumps run at once in one source account and Region (the dump
 * function's reserved concurrency; Lambda queues the rest,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html); null: no limit of Lambda's
 * own.
 */
public record LifeboatConfig(
        Backup backup,
        Map<String, Database> databases,
        String document,
        Organization organization,
        Audit audit,
        SourceDeployment sourceDeployment,
        List<String> sourceOrganizationalUnitIds,
        Integer dumpConcurrency) {

    public LifeboatConfig {
        audit = audit == null ? Audit.DEFAULTS : audit;
        sourceDeployment = sourceDeployment == null ? SourceDeployment.STACKS : sourceDeployment;
        sourceOrganizationalUnitIds =
                sourceOrganizationalUnitIds == null ? List.of() : List.copyOf(sourceOrganizationalUnitIds);
    }

    /**
     * How the source accounts' part is deployed (issue 16): {@code STACKS}, one CDK stack per account and Region;
     * {@code STACKSETS}, one CloudFormation StackSet from the backup account for the role, the share key and the
     * incident rules, with CDK stacks only where a dump function runs: service-managed when {@code
     * sourceOrganizationalUnitIds} names the OUs the source accounts are in (the backup account a delegated
     * administrator of StackSets), self-managed otherwise.
     */
    public enum SourceDeployment {
        STACKS,
        STACKSETS
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Without an organization guard, with the audit's defaults, stacks per source account, no organizational units
     * and no limit on concurrent dumps, unless set.
     */
    public static final class Builder {
        private Backup backup;
        private Map<String, Database> databases;
        private String document;
        private Organization organization;
        private Audit audit = Audit.DEFAULTS;
        private SourceDeployment sourceDeployment = SourceDeployment.STACKS;
        private List<String> sourceOrganizationalUnitIds = List.of();
        private Integer dumpConcurrency;

        private Builder() {}

        public Builder backup(Backup v) {
            backup = v;
            return this;
        }

        public Builder databases(Map<String, Database> v) {
            databases = v;
            return this;
        }

        public Builder document(String v) {
            document = v;
            return this;
        }

        public Builder organization(Organization v) {
            organization = v;
            return this;
        }

        public Builder audit(Audit v) {
            audit = v;
            return this;
        }

        public Builder sourceDeployment(SourceDeployment v) {
            sourceDeployment = v;
            return this;
        }

        public Builder sourceOrganizationalUnitIds(List<String> v) {
            sourceOrganizationalUnitIds = v;
            return this;
        }

        public Builder dumpConcurrency(Integer v) {
            dumpConcurrency = v;
            return this;
        }

        public LifeboatConfig build() {
            return new LifeboatConfig(
                    backup,
                    databases,
                    document,
                    organization,
                    audit,
                    sourceDeployment,
                    sourceOrganizationalUnitIds,
                    dumpConcurrency);
        }
    }

    /**
     * The audit (issue 12): {@code schedule}, when the backup account's audit function runs it;
     * {@code minBackupRetentionDays}, the automated-backup retention below which a database is a finding;
     * {@code verifiedWithinDays}, how long a database with a verification schedule may go without a verification
     * run that passed.
     */
    public record Audit(String schedule, int minBackupRetentionDays, int verifiedWithinDays) {
        public static final Audit DEFAULTS = new Audit("rate(6 hours)", 7, 8);
    }

    /**
     * The keys snapshot copies pass through on their way into the backup account: each source's share key and
     * each staging key, once each. The pipeline's role must be allowed them in its own policy (KMS requires the
     * caller's IAM policy for another account's key, beside that key's policy).
     */
    public List<String> copyKeyArns() {
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        for (Database d : databases.values()) {
            if (d.source().shareKmsKeyArn() != null) {
                keys.add(d.source().shareKmsKeyArn());
            }
            if (d.snapshot() != null && d.snapshot().stagingKmsKeyArn() != null) {
                keys.add(d.snapshot().stagingKmsKeyArn());
            }
        }
        return List.copyOf(keys);
    }

    /** The ARNs of the configured databases that live in {@code account} (any Region). */
    public List<String> databaseArnsIn(String account) {
        return databases.values().stream()
                .filter(d -> d.source().account().equals(account))
                .map(d -> d.source().arn())
                .toList();
    }

    /**
     * The optional organization guard: a service control policy the CDK app deploys from {@code
     * managementAccount} and attaches to {@code targetIds} (the backup account, or its organizational unit).
     * {@code deployRoleArn}: the role CloudFormation deploys the backup stack with, the only one the policy lets
     * change Lifeboat's roles and functions.
     */
    public record Organization(String managementAccount, List<String> targetIds, String deployRoleArn) {
        public Organization {
            targetIds = List.copyOf(targetIds);
        }
    }

    /**
     * The account and region that hold the backups, and their key. {@code breakGlassRoleArn}: the only
     * principal the CDK app lets change the vault's policy, Object Lock or lifecycle, or delete its key.
     * {@code vaultRetentionDays}: the vault's default Object Lock retention (COMPLIANCE mode).
     * {@code alarmEmails}: addresses the CDK app subscribes to the notifications topic (each confirms once).
     * {@code alarmSubscriberAccounts}: other accounts (a central operations account) that may subscribe their
     * own endpoints (SQS, Lambda, chat) to the notifications topic.
     */
    public record Backup(
            String account,
            String region,
            String kmsKeyArn,
            String vault,
            String breakGlassRoleArn,
            int vaultRetentionDays,
            int vaultColdAfterDays,
            List<String> alarmEmails,
            List<String> alarmSubscriberAccounts,
            Network network) {

        public Backup {
            alarmEmails = alarmEmails == null ? List.of() : List.copyOf(alarmEmails);
            alarmSubscriberAccounts =
                    alarmSubscriberAccounts == null ? List.of() : List.copyOf(alarmSubscriberAccounts);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Without alarm e-mails, subscriber accounts or a network, unless set. */
        public static final class Builder {
            private String account;
            private String region;
            private String kmsKeyArn;
            private String vault;
            private String breakGlassRoleArn;
            private int vaultRetentionDays;
            private int vaultColdAfterDays;
            private List<String> alarmEmails = List.of();
            private List<String> alarmSubscriberAccounts = List.of();
            private Network network;

            private Builder() {}

            public Builder account(String v) {
                account = v;
                return this;
            }

            public Builder region(String v) {
                region = v;
                return this;
            }

            public Builder kmsKeyArn(String v) {
                kmsKeyArn = v;
                return this;
            }

            public Builder vault(String v) {
                vault = v;
                return this;
            }

            public Builder breakGlassRoleArn(String v) {
                breakGlassRoleArn = v;
                return this;
            }

            public Builder vaultRetentionDays(int v) {
                vaultRetentionDays = v;
                return this;
            }

            public Builder vaultColdAfterDays(int v) {
                vaultColdAfterDays = v;
                return this;
            }

            public Builder alarmEmails(List<String> v) {
                alarmEmails = v;
                return this;
            }

            public Builder alarmSubscriberAccounts(List<String> v) {
                alarmSubscriberAccounts = v;
                return this;
            }

            public Builder network(Network v) {
                network = v;
                return this;
            }

            public Backup build() {
                return new Backup(
                        account,
                        region,
                        kmsKeyArn,
                        vault,
                        breakGlassRoleArn,
                        vaultRetentionDays,
                        vaultColdAfterDays,
                        alarmEmails,
                        alarmSubscriberAccounts,
                        network);
            }
        }

        /** The backup account's home Region: where the copies, the vault and the verification instances are. */
        public Location location() {
            return new Location(account, region);
        }
    }

    /**
     * The backup account's network for the functions that connect to databases there (the verification runs' and
     * dump restores' throwaway instances): the VPC, the subnets the functions run in, and their security groups.
     * The throwaway instances' subnet group ({@code verify.subnetGroup}) must be in the same VPC.
     */
    public record Network(
            String vpcId, List<String> subnetIds, List<String> securityGroupIds, Egress egress, int taskStorageGiB) {
        /**
         * Fargate's least (and default) ephemeral storage, GiB; its most is 200
         * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html).
         */
        public static final int MIN_TASK_STORAGE_GIB = 21;

        public static final int MAX_TASK_STORAGE_GIB = 200;

        public Network {
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
            taskStorageGiB = taskStorageGiB == 0 ? MIN_TASK_STORAGE_GIB : taskStorageGiB;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Through a NAT route, with Fargate's least task storage, unless set. */
        public static final class Builder {
            private String vpcId;
            private List<String> subnetIds;
            private List<String> securityGroupIds;
            private Egress egress = Egress.NAT;
            private int taskStorageGiB = MIN_TASK_STORAGE_GIB;

            private Builder() {}

            public Builder vpcId(String v) {
                vpcId = v;
                return this;
            }

            public Builder subnetIds(List<String> v) {
                subnetIds = v;
                return this;
            }

            public Builder securityGroupIds(List<String> v) {
                securityGroupIds = v;
                return this;
            }

            public Builder egress(Egress v) {
                egress = v;
                return this;
            }

            public Builder taskStorageGiB(int v) {
                taskStorageGiB = v;
                return this;
            }

            public Network build() {
                return new Network(vpcId, subnetIds, securityGroupIds, egress, taskStorageGiB);
            }
        }
    }

    /**
     * How a function inside a VPC reaches the AWS APIs it calls (docs/deploy.md, "Egress"): through a NAT route
     * the VPC already has, or through VPC endpoints the CDK app creates in the subnets' route tables ({@code
     * routeTableIds}, for the S3 gateway endpoint) and subnets, unless {@code existing} names one per service
     * ({@code s3}, {@code secretsmanager}, {@code rds}, {@code sts}) to reuse.
     */
    public record Egress(Kind mode, List<String> routeTableIds, Map<String, String> existing) {
        public enum Kind {
            NAT,
            ENDPOINTS
        }

        public static final Egress NAT = new Egress(Kind.NAT, List.of(), Map.of());

        public Egress {
            routeTableIds = routeTableIds == null ? List.of() : List.copyOf(routeTableIds);
            existing = existing == null ? Map.of() : Map.copyOf(existing);
        }
    }

    /** One protected database. */
    public record Database(
            String id,
            DatabaseEngine engine,
            Source source,
            SnapshotSettings snapshot,
            Retention retention,
            Schedules schedules,
            DumpSettings dump,
            VerifySettings verify) {}

    /**
     * Verification runs: where the throwaway instance goes, how long it may take to come up, how far
     * row counts may drift, how old the newest verified backup may be, and SQL assertions to check.
     */
    public record VerifySettings(
            String instanceClass,
            String subnetGroup,
            List<String> securityGroups,
            int availableWithinMinutes,
            double rowCountTolerance,
            int maxAgeHours,
            List<Assertion> assertions) {
        public VerifySettings {
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
            assertions = assertions == null ? List.of() : List.copyOf(assertions);
        }

        public static VerifySettings defaults() {
            return new VerifySettings("db.t4g.micro", null, List.of(), 60, 0.05, 26, List.of());
        }
    }

    /** A query whose single numeric result must satisfy {@code expect}: "> 0", ">= 10", "= 3", "< 5". */
    public record Assertion(String name, String sql, String expect) {}

    /**
     * Where the database runs, and how Lifeboat reaches its account. {@code backupReplicationRegion}: the Region
     * its automated backups are replicated to, where that is set up; the audit reports the replication stopped.
     */
    public record Source(
            String account,
            String region,
            DbKind kind,
            String identifier,
            String roleArn,
            String externalId,
            String shareKmsKeyArn,
            String backupReplicationRegion) {

        public static Builder builder() {
            return new Builder();
        }

        /** Without a share key or cross-Region replication of automated backups to watch, unless set. */
        public static final class Builder {
            private String account;
            private String region;
            private DbKind kind;
            private String identifier;
            private String roleArn;
            private String externalId;
            private String shareKmsKeyArn;
            private String backupReplicationRegion;

            private Builder() {}

            public Builder account(String v) {
                account = v;
                return this;
            }

            public Builder region(String v) {
                region = v;
                return this;
            }

            public Builder kind(DbKind v) {
                kind = v;
                return this;
            }

            public Builder identifier(String v) {
                identifier = v;
                return this;
            }

            public Builder roleArn(String v) {
                roleArn = v;
                return this;
            }

            public Builder externalId(String v) {
                externalId = v;
                return this;
            }

            public Builder shareKmsKeyArn(String v) {
                shareKmsKeyArn = v;
                return this;
            }

            public Builder backupReplicationRegion(String v) {
                backupReplicationRegion = v;
                return this;
            }

            public Source build() {
                return new Source(
                        account,
                        region,
                        kind,
                        identifier,
                        roleArn,
                        externalId,
                        shareKmsKeyArn,
                        backupReplicationRegion);
            }
        }

        /** The database's ARN ({@code db:} for an instance, {@code cluster:} for an Aurora cluster). */
        public String arn() {
            return "arn:aws:rds:" + region + ":" + account + ":" + (kind == DbKind.CLUSTER ? "cluster:" : "db:")
                    + identifier;
        }
    }

    /**
     * How the source snapshot is made: {@code CREATE} a manual snapshot, or {@code COPY_AUTOMATED}: copy
     * the newest automated snapshot (no I/O suspension on single-AZ instances). {@code copyStrategy}:
     * how the copy reaches the backup region. {@code stagingKmsKeyArn}: the backup account's key in the
     * source region, for the two-step copy. {@code acceptIoFreeze}: a snapshot schedule of an instance that
     * runs more than once a day creates a manual snapshot each time, and on a Single-AZ instance each one suspends
     * I/O for seconds to minutes (RDS user guide, USER_CreateSnapshot; a Multi-AZ instance of MariaDB, MySQL or
     * PostgreSQL takes it from the standby); such a schedule needs it set, as the operator's word that this is
     * acceptable.
     */
    public record SnapshotSettings(
            Mode mode, CopyStrategy copyStrategy, String optionGroup, String stagingKmsKeyArn, boolean acceptIoFreeze) {
        public enum Mode {
            CREATE,
            COPY_AUTOMATED
        }

        public enum CopyStrategy {
            AUTO,
            SINGLE_STEP,
            TWO_STEP
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Without an option group or a staging key, the I/O freeze not accepted, unless set. */
        public static final class Builder {
            private Mode mode;
            private CopyStrategy copyStrategy;
            private String optionGroup;
            private String stagingKmsKeyArn;
            private boolean acceptIoFreeze;

            private Builder() {}

            public Builder mode(Mode v) {
                mode = v;
                return this;
            }

            public Builder copyStrategy(CopyStrategy v) {
                copyStrategy = v;
                return this;
            }

            public Builder optionGroup(String v) {
                optionGroup = v;
                return this;
            }

            public Builder stagingKmsKeyArn(String v) {
                stagingKmsKeyArn = v;
                return this;
            }

            public Builder acceptIoFreeze(boolean v) {
                acceptIoFreeze = v;
                return this;
            }

            public SnapshotSettings build() {
                return new SnapshotSettings(mode, copyStrategy, optionGroup, stagingKmsKeyArn, acceptIoFreeze);
            }
        }
    }

    /**
     * Grandfather-father-son counts: how many daily, weekly, monthly and yearly copies to keep.
     * {@code maxDeletesPerRun}: the brake; a retention run that would delete more copies than this deletes
     * none and fails, saying why (normal aging deletes one or two a day).
     */
    public record Retention(int daily, int weekly, int monthly, int yearly, int maxDeletesPerRun) {
        public static final int DEFAULT_MAX_DELETES_PER_RUN = 3;

        /** These counts, with the default brake ({@link #DEFAULT_MAX_DELETES_PER_RUN}). */
        public static Retention of(int daily, int weekly, int monthly, int yearly) {
            return new Retention(daily, weekly, monthly, yearly, DEFAULT_MAX_DELETES_PER_RUN);
        }
    }

    /**
     * EventBridge schedule expressions ({@code cron(...)} or {@code rate(...)}); null where not scheduled.
     * {@code maxAge}: how old the newest good backup may grow before the audit reports it and the guard refuses a
     * deletion (default 26 hours: a daily schedule's day, plus two hours of slack). {@code window}: how far after
     * its scheduled time the database's snapshot and verification runs may start; each database starts at its own
     * minute in it, the same every time (zero: at the scheduled time).
     */
    public record Schedules(
            String snapshot, String dump, String verify, java.time.Duration maxAge, java.time.Duration window) {
        public static final java.time.Duration DEFAULT_MAX_AGE = java.time.Duration.ofHours(26);

        public Schedules {
            maxAge = maxAge == null ? DEFAULT_MAX_AGE : maxAge;
            window = window == null ? java.time.Duration.ZERO : window;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Nothing scheduled, {@link #DEFAULT_MAX_AGE}, no window, unless set. */
        public static final class Builder {
            private String snapshot;
            private String dump;
            private String verify;
            private java.time.Duration maxAge = DEFAULT_MAX_AGE;
            private java.time.Duration window = java.time.Duration.ZERO;

            private Builder() {}

            public Builder snapshot(String v) {
                snapshot = v;
                return this;
            }

            public Builder dump(String v) {
                dump = v;
                return this;
            }

            public Builder verify(String v) {
                verify = v;
                return this;
            }

            public Builder maxAge(java.time.Duration v) {
                maxAge = v;
                return this;
            }

            public Builder window(java.time.Duration v) {
                window = v;
                return this;
            }

            public Schedules build() {
                return new Schedules(snapshot, dump, verify, maxAge, window);
            }
        }
    }

    /**
     * Logical dumps: the Secrets Manager secret with the login, an optional database name, and where the
     * dump function runs: the source VPC, its subnets and security groups (the database must be
     * reachable from them).
     */
    public record DumpSettings(
            String secretArn,
            String dbname,
            String vpcId,
            List<String> subnetIds,
            List<String> securityGroupIds,
            Egress egress,
            String databaseSecurityGroupId,
            Integer port,
            dev.lifeboat.core.model.Compression compression,
            Integer jobs,
            dev.lifeboat.core.model.RunOn runOn,
            double fargateShare,
            Long fargateAboveBytes,
            StreamSettings stream) {
        public DumpSettings {
            subnetIds = subnetIds == null ? List.of() : List.copyOf(subnetIds);
            securityGroupIds = securityGroupIds == null ? List.of() : List.copyOf(securityGroupIds);
            compression = compression == null ? dev.lifeboat.core.model.Compression.DEFAULT : compression;
            runOn = runOn == null ? dev.lifeboat.core.model.RunOn.LAMBDA : runOn;
            fargateShare = fargateShare == 0 ? dev.lifeboat.core.model.RunOn.DEFAULT_FARGATE_SHARE : fargateShare;
        }

        /** Whether this database's dumps may run as an ECS Fargate task. */
        public boolean mayRunOnFargate() {
            return runOn != dev.lifeboat.core.model.RunOn.LAMBDA;
        }

        /** {@code jobs}, or {@code otherwise} (the cores available, at most 4, where the caller can tell). */
        public int jobsOr(int otherwise) {
            return jobs != null ? jobs : otherwise;
        }

        public static Builder builder() {
            return new Builder();
        }

        /**
         * Without a database name, network, database security group, port, job count, size threshold or streamer;
         * the default compression, on Lambda, with the default Fargate share, unless set.
         */
        public static final class Builder {
            private String secretArn;
            private String dbname;
            private String vpcId;
            private List<String> subnetIds = List.of();
            private List<String> securityGroupIds = List.of();
            private Egress egress;
            private String databaseSecurityGroupId;
            private Integer port;
            private dev.lifeboat.core.model.Compression compression = dev.lifeboat.core.model.Compression.DEFAULT;
            private Integer jobs;
            private dev.lifeboat.core.model.RunOn runOn = dev.lifeboat.core.model.RunOn.LAMBDA;
            private double fargateShare = dev.lifeboat.core.model.RunOn.DEFAULT_FARGATE_SHARE;
            private Long fargateAboveBytes;
            private StreamSettings stream;

            private Builder() {}

            public Builder secretArn(String v) {
                secretArn = v;
                return this;
            }

            public Builder dbname(String v) {
                dbname = v;
                return this;
            }

            public Builder vpcId(String v) {
                vpcId = v;
                return this;
            }

            public Builder subnetIds(List<String> v) {
                subnetIds = v;
                return this;
            }

            public Builder securityGroupIds(List<String> v) {
                securityGroupIds = v;
                return this;
            }

            public Builder egress(Egress v) {
                egress = v;
                return this;
            }

            public Builder databaseSecurityGroupId(String v) {
                databaseSecurityGroupId = v;
                return this;
            }

            public Builder port(Integer v) {
                port = v;
                return this;
            }

            public Builder compression(dev.lifeboat.core.model.Compression v) {
                compression = v;
                return this;
            }

            public Builder jobs(Integer v) {
                jobs = v;
                return this;
            }

            public Builder runOn(dev.lifeboat.core.model.RunOn v) {
                runOn = v;
                return this;
            }

            public Builder fargateShare(double v) {
                fargateShare = v;
                return this;
            }

            public Builder fargateAboveBytes(Long v) {
                fargateAboveBytes = v;
                return this;
            }

            public Builder stream(StreamSettings v) {
                stream = v;
                return this;
            }

            public DumpSettings build() {
                return new DumpSettings(
                        secretArn,
                        dbname,
                        vpcId,
                        subnetIds,
                        securityGroupIds,
                        egress,
                        databaseSecurityGroupId,
                        port,
                        compression,
                        jobs,
                        runOn,
                        fargateShare,
                        fargateAboveBytes,
                        stream);
            }
        }
    }

    /**
     * A streamer deployed beside the dumps (issues 40 and 41): an ECS Fargate service in the database's VPC, with the
     * dump's secret, archiving every committed change into the vault (PostgreSQL: logical decoding through Lifeboat's
     * slot; MySQL and MariaDB: the binlog), so that a restore can reach any moment since its last dump.
     *
     * @param lagAlarm the archive this far behind (or the streamer not reporting) alarms
     * @param retainedWalAlarmBytes PostgreSQL: Lifeboat's slot holding this much of the server's WAL alarms; keep it
     *     below {@code max_slot_wal_keep_size}, past which the server gives the slot up
     */
    public record StreamSettings(java.time.Duration lagAlarm, long retainedWalAlarmBytes) {
        public static final java.time.Duration DEFAULT_LAG_ALARM = java.time.Duration.ofMinutes(15);
        public static final long DEFAULT_RETAINED_WAL_ALARM_BYTES = 4096L << 20;
        public static final StreamSettings DEFAULT =
                new StreamSettings(DEFAULT_LAG_ALARM, DEFAULT_RETAINED_WAL_ALARM_BYTES);
    }

    /**
     * Each database's owner in the vault: its source account, whose space of the vault holds its dumps
     * (AccountSpaces, core/dump).
     */
    public Map<String, String> dumpOwners() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        databases.values().forEach(d -> out.put(d.id(), d.source().account()));
        return out;
    }

    public Database database(String id) {
        Database d = databases.get(id);
        if (d == null) {
            throw new InvalidInputException(
                    "database '" + id + "' is not in the configuration",
                    "configured: " + String.join(", ", databases.keySet()));
        }
        return d;
    }
}
