package dev.lifeboat.adapters.rds;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.CopyRejectedException;
import dev.lifeboat.core.error.KeyNotGrantedException;
import dev.lifeboat.core.error.QuotaReachedException;
import dev.lifeboat.core.error.SnapshotGoneException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.AccountQuota;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.KmsKeyNotAccessibleException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.SnapshotQuotaExceededException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * {@link RdsGateway} over the AWS SDK: one {@code RdsClient} per account and region, with the
 * account's credentials (an assumed role for source accounts), built by {@link AwsClients} (timeouts,
 * adaptive retries, so throttling makes a run slower, not failed).
 */
public final class AwsRdsGateway implements RdsGateway, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsRdsGateway.class);
    static final int DEFAULT_MANUAL_SNAPSHOT_QUOTA = 100;
    private final AccountCredentials credentials;
    private final AwsClients aws;
    private final Map<Location, RdsClient> clients = new ConcurrentHashMap<>();

    public AwsRdsGateway(AccountCredentials credentials, AwsClients aws) {
        this.credentials = credentials;
        this.aws = aws;
    }

    /**
     * The gateway for a configuration: the backup account's own credentials, and for each source account
     * the role and external id of lifeboat.yml; clients from {@code aws}. Failures reach the caller as
     * Lifeboat exceptions that name the call, its account and Region, and what to check.
     */
    public static RdsGateway forConfig(LifeboatConfig config, AwsClients aws) {
        return TranslatedRdsGateway.of(
                new AwsRdsGateway(AccountCredentials.forConfig(config, aws), aws), aws.network());
    }

    private RdsClient rds(Location where) {
        return clients.computeIfAbsent(where, w -> {
            return aws.rds(w.region(), credentials.forAccount(w.account()));
        });
    }

    @Override
    public Optional<SourceDatabase> database(Location where, DbKind kind, String identifier) {
        try {
            if (kind == DbKind.CLUSTER) {
                return Optional.of(database(rds(where)
                        .describeDBClusters(b -> b.dbClusterIdentifier(identifier))
                        .dbClusters()
                        .getFirst()));
            }
            return Optional.of(database(rds(where)
                    .describeDBInstances(b -> b.dbInstanceIdentifier(identifier))
                    .dbInstances()
                    .getFirst()));
        } catch (DbInstanceNotFoundException | DbClusterNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Protection> protections(Location where) {
        List<Protection> out = new ArrayList<>();
        rds(where).describeDBInstancesPaginator().dbInstances().forEach(i -> {
            if (i.dbClusterIdentifier() == null) {
                out.add(new Protection(
                        DbKind.INSTANCE,
                        i.dbInstanceIdentifier(),
                        Boolean.TRUE.equals(i.deletionProtection()),
                        i.backupRetentionPeriod() == null ? 0 : i.backupRetentionPeriod(),
                        Boolean.TRUE.equals(i.storageEncrypted()),
                        i.kmsKeyId(),
                        i.dbInstanceAutomatedBackupsReplications().stream()
                                .map(r -> arnRegion(r.dbInstanceAutomatedBackupsArn()))
                                .filter(java.util.Objects::nonNull)
                                .toList()));
            }
        });
        rds(where)
                .describeDBClustersPaginator()
                .dbClusters()
                .forEach(c -> out.add(new Protection(
                        DbKind.CLUSTER,
                        c.dbClusterIdentifier(),
                        Boolean.TRUE.equals(c.deletionProtection()),
                        c.backupRetentionPeriod() == null ? 0 : c.backupRetentionPeriod(),
                        Boolean.TRUE.equals(c.storageEncrypted()),
                        c.kmsKeyId())));
        return out;
    }

    /** The Region of an ARN (arn:aws:rds:REGION:ACCOUNT:...), null when it is not one. */
    static String arnRegion(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        return parts.length == 6 && !parts[3].isEmpty() ? parts[3] : null;
    }

    @Override
    public List<SnapshotInfo> snapshots(Location where, DbKind kind, String dbIdentifier) {
        List<SnapshotInfo> out = new ArrayList<>();
        if (kind == DbKind.CLUSTER) {
            rds(where)
                    .describeDBClusterSnapshotsPaginator(b -> {
                        if (dbIdentifier != null) {
                            b.dbClusterIdentifier(dbIdentifier);
                        }
                    })
                    .dbClusterSnapshots()
                    .forEach(s -> out.add(cluster(where, s)));
        } else {
            rds(where)
                    .describeDBSnapshotsPaginator(b -> {
                        if (dbIdentifier != null) {
                            b.dbInstanceIdentifier(dbIdentifier);
                        }
                    })
                    .dbSnapshots()
                    .forEach(s -> out.add(instance(where, s)));
        }
        return out;
    }

    @Override
    public Optional<SnapshotInfo> snapshot(Location where, DbKind kind, String snapshotId) {
        try {
            if (kind == DbKind.CLUSTER) {
                return rds(where)
                        .describeDBClusterSnapshots(b -> b.dbClusterSnapshotIdentifier(snapshotId))
                        .dbClusterSnapshots()
                        .stream()
                        .findFirst()
                        .map(s -> cluster(where, s));
            }
            return rds(where).describeDBSnapshots(b -> b.dbSnapshotIdentifier(snapshotId)).dbSnapshots().stream()
                    .findFirst()
                    .map(s -> instance(where, s));
        } catch (DbSnapshotNotFoundException | DbClusterSnapshotNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public SnapshotInfo createSnapshot(
            Location where, DbKind kind, String dbIdentifier, String snapshotId, Map<String, String> tags) {
        try {
            if (kind == DbKind.CLUSTER) {
                return cluster(
                        where,
                        rds(where)
                                .createDBClusterSnapshot(b -> b.dbClusterIdentifier(dbIdentifier)
                                        .dbClusterSnapshotIdentifier(snapshotId)
                                        .tags(tags(tags)))
                                .dbClusterSnapshot());
            }
            return instance(
                    where,
                    rds(where)
                            .createDBSnapshot(b -> b.dbInstanceIdentifier(dbIdentifier)
                                    .dbSnapshotIdentifier(snapshotId)
                                    .tags(tags(tags)))
                            .dbSnapshot());
        } catch (DbSnapshotAlreadyExistsException | DbClusterSnapshotAlreadyExistsException e) {
            return snapshot(where, kind, snapshotId).orElseThrow(() -> e);
        } catch (SnapshotQuotaExceededException e) {
            throw new QuotaReachedException("SnapshotQuotaExceeded in " + where + ": " + e.getMessage());
        }
    }

    @Override
    public SnapshotInfo copySnapshot(
            Location where,
            DbKind kind,
            String sourceArn,
            String sourceRegion,
            String targetId,
            String kmsKeyId,
            String optionGroup,
            Map<String, String> tags) {
        boolean crossRegion = sourceRegion != null && !sourceRegion.equals(where.region());
        try {
            if (kind == DbKind.CLUSTER) {
                return cluster(
                        where,
                        rds(where)
                                .copyDBClusterSnapshot(b -> {
                                    b.sourceDBClusterSnapshotIdentifier(sourceArn)
                                            .targetDBClusterSnapshotIdentifier(targetId)
                                            .kmsKeyId(kmsKeyId)
                                            .tags(tags(tags));
                                    if (crossRegion) {
                                        b.sourceRegion(sourceRegion);
                                    }
                                })
                                .dbClusterSnapshot());
            }
            return instance(
                    where,
                    rds(where)
                            .copyDBSnapshot(b -> {
                                b.sourceDBSnapshotIdentifier(sourceArn)
                                        .targetDBSnapshotIdentifier(targetId)
                                        .kmsKeyId(kmsKeyId)
                                        .optionGroupName(optionGroup)
                                        .tags(tags(tags));
                                if (crossRegion) {
                                    b.sourceRegion(sourceRegion);
                                }
                            })
                            .dbSnapshot());
        } catch (DbSnapshotAlreadyExistsException | DbClusterSnapshotAlreadyExistsException e) {
            return snapshot(where, kind, targetId).orElseThrow(() -> e);
        } catch (DbSnapshotNotFoundException | DbClusterSnapshotNotFoundException e) {
            throw new SnapshotGoneException(
                    sourceArn + ": " + e.awsErrorDetails().errorCode());
        } catch (KmsKeyNotAccessibleException e) {
            throw new KeyNotGrantedException(keyOf(sourceArn, kmsKeyId), where.account(), e.getMessage());
        } catch (SnapshotQuotaExceededException e) {
            throw new QuotaReachedException("SnapshotQuotaExceeded in " + where + ": " + e.getMessage());
        } catch (RdsException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String message =
                    e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorMessage();
            boolean crossAccount = !sourceArn.contains(":" + where.account() + ":");
            if (singleStepRefused(crossAccount, crossRegion, code, message)) {
                throw new CopyRejectedException(
                        code + ": " + e.awsErrorDetails().errorMessage());
            }
            throw e;
        }
    }

    /**
     * None configured is "not sent", so RDS applies its default (the VPC's default security group); an explicitly
     * empty list is a different request.
     */
    private static List<String> nullIfEmpty(List<String> values) {
        return values == null || values.isEmpty() ? null : values;
    }

    /**
     * Whether RDS refused a copy for being cross-account and cross-Region in one step, the one refusal the
     * two-step fallback answers: the request was both, the code is a parameter one, and RDS's message speaks of
     * Regions and of sharing or accounts. Any other InvalidParameter* (an option group, a key, a tag) is not it
     * and reaches the operator as RDS said it.
     */
    static boolean singleStepRefused(boolean crossAccount, boolean crossRegion, String code, String message) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return crossAccount
                && crossRegion
                && (code.equals("InvalidParameterCombination") || code.equals("InvalidParameterValue"))
                && m.contains("region")
                && (m.contains("shared") || m.contains("account"));
    }

    private static String keyOf(String sourceArn, String kmsKeyId) {
        return "the key of " + sourceArn + (kmsKeyId == null ? "" : " (or " + kmsKeyId + ")");
    }

    @Override
    public SourceDatabase restore(Location where, DbKind kind, RestoreSpec spec) {
        if (kind == DbKind.CLUSTER) {
            rds(where)
                    .restoreDBClusterFromSnapshot(b -> b.dbClusterIdentifier(spec.newIdentifier())
                            .snapshotIdentifier(spec.snapshotId())
                            .engine(spec.engine())
                            .dbSubnetGroupName(spec.subnetGroup())
                            .vpcSecurityGroupIds(nullIfEmpty(spec.securityGroups()))
                            .dbClusterParameterGroupName(spec.parameterGroup())
                            .deletionProtection(spec.deletionProtection())
                            .port(spec.shaped().port())
                            .enableIAMDatabaseAuthentication(spec.shaped().iamAuthentication())
                            .copyTagsToSnapshot(true)
                            .tags(tags(spec.tags())));
        } else {
            rds(where)
                    .restoreDBInstanceFromDBSnapshot(b -> b.dbInstanceIdentifier(spec.newIdentifier())
                            .dbSnapshotIdentifier(spec.snapshotId())
                            .dbInstanceClass(spec.instanceClass())
                            .dbSubnetGroupName(spec.subnetGroup())
                            .vpcSecurityGroupIds(nullIfEmpty(spec.securityGroups()))
                            .dbParameterGroupName(spec.parameterGroup())
                            .optionGroupName(spec.optionGroup())
                            .multiAZ(spec.multiAz())
                            .deletionProtection(spec.deletionProtection())
                            .port(spec.shaped().port())
                            .storageType(spec.shaped().storageType())
                            .allocatedStorage(spec.shaped().allocatedStorage())
                            .iops(spec.shaped().iops())
                            .storageThroughput(spec.shaped().storageThroughput())
                            .enableIAMDatabaseAuthentication(spec.shaped().iamAuthentication())
                            .caCertificateIdentifier(spec.shaped().caCertificate())
                            .publiclyAccessible(false)
                            .copyTagsToSnapshot(true)
                            .tags(tags(spec.tags())));
        }
        return database(where, kind, spec.newIdentifier())
                .orElseThrow(() -> new IllegalStateException(
                        "RDS accepted the restore of " + spec.newIdentifier() + " but does not describe it"));
    }

    @Override
    public SourceDatabase createInstance(Location where, NewInstance n) {
        RestoreSpec spec = n.spec();
        rds(where)
                .createDBInstance(b -> b.dbInstanceIdentifier(spec.newIdentifier())
                        .engine(spec.engine())
                        .engineVersion(n.engineVersion())
                        .dbInstanceClass(spec.instanceClass())
                        .masterUsername(n.masterUsername())
                        .masterUserPassword(n.masterPassword().reveal())
                        .dbSubnetGroupName(spec.subnetGroup())
                        .vpcSecurityGroupIds(nullIfEmpty(spec.securityGroups()))
                        .dbParameterGroupName(spec.parameterGroup())
                        .optionGroupName(spec.optionGroup())
                        .multiAZ(spec.multiAz())
                        .deletionProtection(spec.deletionProtection())
                        .port(spec.shaped().port())
                        .storageType(spec.shaped().storageType())
                        .allocatedStorage(spec.shaped().allocatedStorage())
                        .iops(spec.shaped().iops())
                        .storageThroughput(spec.shaped().storageThroughput())
                        .enableIAMDatabaseAuthentication(spec.shaped().iamAuthentication())
                        .caCertificateIdentifier(spec.shaped().caCertificate())
                        .storageEncrypted(true)
                        .kmsKeyId(n.kmsKeyId())
                        .publiclyAccessible(false)
                        .copyTagsToSnapshot(true)
                        .tags(tags(spec.tags())));
        return database(where, DbKind.INSTANCE, spec.newIdentifier())
                .orElseThrow(() -> new IllegalStateException(
                        "RDS accepted the instance " + spec.newIdentifier() + " but does not describe it"));
    }

    @Override
    public SourceDatabase addWriter(
            Location where, SourceDatabase cluster, String instanceClass, Map<String, String> tags) {
        String writer = cluster.identifier() + RdsDatabases.WRITER_SUFFIX;
        rds(where)
                .createDBInstance(b -> b.dbInstanceIdentifier(writer)
                        .dbClusterIdentifier(cluster.identifier())
                        .engine(cluster.engine())
                        .dbInstanceClass(instanceClass)
                        // Sent, not left to RDS: without it an instance in a default VPC's subnets is public
                        // (API_CreateDBInstance.html, PubliclyAccessible); the plan prints false (issue 36, item 9).
                        .publiclyAccessible(false)
                        .tags(tags(tags)));
        return database(where, DbKind.INSTANCE, writer)
                .orElseThrow(() ->
                        new IllegalStateException("RDS accepted the writer " + writer + " but does not describe it"));
    }

    @Override
    public String resetMasterPassword(Location where, DbKind kind, String identifier, Secret password) {
        if (kind == DbKind.CLUSTER) {
            return rds(where)
                    .modifyDBCluster(b -> b.dbClusterIdentifier(identifier)
                            .masterUserPassword(password.reveal())
                            .applyImmediately(true))
                    .dbCluster()
                    .masterUsername();
        }
        return rds(where)
                .modifyDBInstance(b -> b.dbInstanceIdentifier(identifier)
                        .masterUserPassword(password.reveal())
                        .applyImmediately(true))
                .dbInstance()
                .masterUsername();
    }

    @Override
    public void deleteDatabase(Location where, DbKind kind, String identifier) {
        try {
            if (kind == DbKind.CLUSTER) {
                DBCluster c = rds(where)
                        .describeDBClusters(b -> b.dbClusterIdentifier(identifier))
                        .dbClusters()
                        .getFirst();
                c.dbClusterMembers()
                        .forEach(m -> rds(where)
                                .deleteDBInstance(b -> b.dbInstanceIdentifier(m.dbInstanceIdentifier())
                                        .skipFinalSnapshot(true)));
                rds(where)
                        .deleteDBCluster(b -> b.dbClusterIdentifier(identifier).skipFinalSnapshot(true));
            } else {
                rds(where)
                        .deleteDBInstance(b -> b.dbInstanceIdentifier(identifier)
                                .skipFinalSnapshot(true)
                                .deleteAutomatedBackups(true));
            }
        } catch (DbInstanceNotFoundException | DbClusterNotFoundException e) {
            // already gone
        }
    }

    @Override
    public List<SourceDatabase> databasesTagged(Location where, DbKind kind, String tagKey) {
        List<SourceDatabase> out = new ArrayList<>();
        if (kind == DbKind.CLUSTER) {
            rds(where).describeDBClustersPaginator().dbClusters().stream()
                    .filter(c -> tagMap(c.tagList()).containsKey(tagKey))
                    .forEach(c -> out.add(database(c)));
        } else {
            rds(where).describeDBInstancesPaginator().dbInstances().stream()
                    .filter(i -> tagMap(i.tagList()).containsKey(tagKey))
                    .forEach(i -> out.add(database(i)));
        }
        return out;
    }

    @Override
    public void share(Location where, DbKind kind, String snapshotId, String account) {
        if ("all".equalsIgnoreCase(account)) {
            throw new IllegalArgumentException("Lifeboat never shares a snapshot publicly");
        }
        try {
            if (kind == DbKind.CLUSTER) {
                rds(where)
                        .modifyDBClusterSnapshotAttribute(b -> b.dbClusterSnapshotIdentifier(snapshotId)
                                .attributeName("restore")
                                .valuesToAdd(account));
            } else {
                rds(where)
                        .modifyDBSnapshotAttribute(b -> b.dbSnapshotIdentifier(snapshotId)
                                .attributeName("restore")
                                .valuesToAdd(account));
            }
        } catch (DbSnapshotNotFoundException | DbClusterSnapshotNotFoundException e) {
            throw new SnapshotGoneException(
                    snapshotId + ": " + e.awsErrorDetails().errorCode());
        }
    }

    @Override
    public void delete(Location where, DbKind kind, String snapshotId) {
        try {
            if (kind == DbKind.CLUSTER) {
                rds(where).deleteDBClusterSnapshot(b -> b.dbClusterSnapshotIdentifier(snapshotId));
            } else {
                rds(where).deleteDBSnapshot(b -> b.dbSnapshotIdentifier(snapshotId));
            }
        } catch (DbSnapshotNotFoundException | DbClusterSnapshotNotFoundException e) {
            // already gone: another invocation of the same run cleaned up first
        } catch (RdsException e) {
            // A role may delete only snapshots carrying Lifeboat's tag; a snapshot that is gone carries no tag, so IAM
            // may refuse before RDS says it is gone. Gone is deleted, whatever the order of the checks.
            if (e.statusCode() != 403) {
                throw e;
            }
            boolean gone;
            try {
                gone = snapshot(where, kind, snapshotId).isEmpty();
            } catch (RuntimeException describe) {
                e.addSuppressed(describe);
                throw e;
            }
            if (!gone) {
                throw e;
            }
        }
    }

    /**
     * From DescribeAccountAttributes: "ManualSnapshots" for DB snapshots, "ManualClusterSnapshots" for DB cluster
     * snapshots, each its own quota (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_AccountQuota.html,
     * CHAP_Limits). Where that call is refused (no rds:DescribeAccountAttributes permission; moto does not
     * implement it), the manual snapshots of that kind are counted (from the plain listing, like {@link
     * #copiesInProgress}) and compared with RDS's default quota of 100 per Region.
     */
    @Override
    public Quota manualSnapshotQuota(Location where, DbKind kind) {
        String name = kind == DbKind.CLUSTER ? "ManualClusterSnapshots" : "ManualSnapshots";
        try {
            for (AccountQuota q : rds(where).describeAccountAttributes().accountQuotas()) {
                if (name.equals(q.accountQuotaName())) {
                    return new Quota(q.used().intValue(), q.max().intValue());
                }
            }
        } catch (RdsException e) {
            LOG.warn(
                    "DescribeAccountAttributes failed in {} ({}); counting manual snapshots against the default quota of {}",
                    where,
                    e.statusCode(),
                    DEFAULT_MANUAL_SNAPSHOT_QUOTA);
        }
        int used = kind == DbKind.CLUSTER
                ? (int) rds(where).describeDBClusterSnapshotsPaginator().dbClusterSnapshots().stream()
                        .filter(s -> "manual".equals(s.snapshotType()))
                        .count()
                : (int) rds(where).describeDBSnapshotsPaginator().dbSnapshots().stream()
                        .filter(s -> "manual".equals(s.snapshotType()))
                        .count();
        return new Quota(used, DEFAULT_MANUAL_SNAPSHOT_QUOTA);
    }

    /**
     * RDS has no count of copies in flight; snapshots of this account and Region that are still being
     * made ("creating", "copying", "pending") stand in for it. Counted from the plain listing: what
     * {@link #snapshots} adds (a DescribeDBSnapshotAttributes call per shareable snapshot) is not needed
     * to count, and the pipeline counts on every step.
     */
    @Override
    public int copiesInProgress(Location where, DbKind kind) {
        Set<String> inFlight = Set.of("creating", "copying", "pending");
        var statuses = kind == DbKind.CLUSTER
                ? rds(where).describeDBClusterSnapshotsPaginator().dbClusterSnapshots().stream()
                        .map(DBClusterSnapshot::status)
                : rds(where).describeDBSnapshotsPaginator().dbSnapshots().stream()
                        .map(DBSnapshot::status);
        return (int) statuses.filter(inFlight::contains).count();
    }

    private static List<Tag> tags(Map<String, String> tags) {
        List<Tag> out = new ArrayList<>();
        tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
        return out;
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> m = new HashMap<>();
        if (tags != null) {
            tags.forEach(t -> m.put(t.key(), t.value()));
        }
        return m;
    }

    private static SourceDatabase database(DBCluster c) {
        return new SourceDatabase(
                c.dbClusterIdentifier(),
                c.engine(),
                c.engineVersion(),
                Boolean.TRUE.equals(c.storageEncrypted()),
                c.kmsKeyId(),
                null,
                c.status(),
                c.endpoint() == null ? null : c.endpoint() + ":" + c.port(),
                tagMap(c.tagList()),
                c.dbClusterResourceId());
    }

    private static SourceDatabase database(DBInstance i) {
        String optionGroup =
                i.optionGroupMemberships() == null || i.optionGroupMemberships().isEmpty()
                        ? null
                        : i.optionGroupMemberships().getFirst().optionGroupName();
        return new SourceDatabase(
                i.dbInstanceIdentifier(),
                i.engine(),
                i.engineVersion(),
                Boolean.TRUE.equals(i.storageEncrypted()),
                i.kmsKeyId(),
                optionGroup,
                i.dbInstanceStatus(),
                i.endpoint() == null
                        ? null
                        : i.endpoint().address() + ":" + i.endpoint().port(),
                tagMap(i.tagList()),
                i.dbiResourceId());
    }

    private SnapshotInfo instance(Location where, DBSnapshot s) {
        Set<String> shared = new HashSet<>();
        if ("manual".equals(s.snapshotType()) && "available".equals(s.status())) {
            rds(where)
                    .describeDBSnapshotAttributes(b -> b.dbSnapshotIdentifier(s.dbSnapshotIdentifier()))
                    .dbSnapshotAttributesResult()
                    .dbSnapshotAttributes()
                    .stream()
                    .filter(a -> "restore".equals(a.attributeName()))
                    .forEach(a -> shared.addAll(a.attributeValues()));
        }
        return SnapshotInfo.builder()
                .id(s.dbSnapshotIdentifier())
                .arn(s.dbSnapshotArn())
                .location(where)
                .kind(DbKind.INSTANCE)
                .dbIdentifier(s.dbInstanceIdentifier())
                .status(s.status())
                .type(s.snapshotType())
                .createdAt(s.snapshotCreateTime())
                .encrypted(Boolean.TRUE.equals(s.encrypted()))
                .kmsKeyId(s.kmsKeyId())
                .tags(tagMap(s.tagList()))
                .sharedWith(shared)
                .engine(s.engine())
                .engineVersion(s.engineVersion())
                .percentProgress(s.percentProgress() == null ? 0 : s.percentProgress())
                .originalCreatedAt(s.originalSnapshotCreateTime())
                .resourceId(s.dbiResourceId())
                .build();
    }

    private SnapshotInfo cluster(Location where, DBClusterSnapshot s) {
        Set<String> shared = new HashSet<>();
        if ("manual".equals(s.snapshotType()) && "available".equals(s.status())) {
            rds(where)
                    .describeDBClusterSnapshotAttributes(
                            b -> b.dbClusterSnapshotIdentifier(s.dbClusterSnapshotIdentifier()))
                    .dbClusterSnapshotAttributesResult()
                    .dbClusterSnapshotAttributes()
                    .stream()
                    .filter(a -> "restore".equals(a.attributeName()))
                    .forEach(a -> shared.addAll(a.attributeValues()));
        }
        return SnapshotInfo.builder()
                .id(s.dbClusterSnapshotIdentifier())
                .arn(s.dbClusterSnapshotArn())
                .location(where)
                .kind(DbKind.CLUSTER)
                .dbIdentifier(s.dbClusterIdentifier())
                .status(s.status())
                .type(s.snapshotType())
                .createdAt(s.snapshotCreateTime())
                .encrypted(Boolean.TRUE.equals(s.storageEncrypted()))
                .kmsKeyId(s.kmsKeyId())
                .tags(tagMap(s.tagList()))
                .sharedWith(shared)
                .engine(s.engine())
                .engineVersion(s.engineVersion())
                .percentProgress(s.percentProgress() == null ? 0 : s.percentProgress())
                .resourceId(s.dbClusterResourceId())
                .copiedFrom(s.sourceDBClusterSnapshotArn())
                .build();
    }

    @Override
    public void close() {
        clients.values().forEach(RdsClient::close);
        credentials.close();
    }
}
