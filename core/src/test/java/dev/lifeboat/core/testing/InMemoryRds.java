package dev.lifeboat.core.testing;

import dev.lifeboat.core.error.CopyRejectedException;
import dev.lifeboat.core.error.KeyNotGrantedException;
import dev.lifeboat.core.error.QuotaReachedException;
import dev.lifeboat.core.error.SnapshotGoneException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsDatabases.NewInstance;
import dev.lifeboat.core.port.RdsGateway;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RDS in memory, for the rules moto does not model. Each rule cites the page of the RDS User Guide it
 * enforces. Snapshots move from "creating" to "available" after a set number of observations, so a
 * test sees a copy take many polls.
 *
 * <ul>
 *   <li>Only manual snapshots can be shared; automated ones must be copied first (USER_ShareSnapshot).
 *   <li>"You can't share a snapshot that has been encrypted using the default AWS KMS key"
 *       (USER_ShareSnapshot); sharing with "all" is refused for encrypted snapshots, and Lifeboat never
 *       asks for it, so the fake refuses it always. At most 20 accounts per snapshot.
 *   <li>Copying another account's snapshot needs it shared with the copying account, and the source's
 *       KMS key must let that account use it (USER_ShareSnapshot, "Sharing encrypted snapshots").
 *   <li>A cross-Region copy of an encrypted snapshot needs a KMS key of the destination Region
 *       (USER_CopySnapshot).
 *   <li>"You can have up to 20 snapshot copy requests in progress to a single destination Region per
 *       account" (USER_CopySnapshot); 5 for cluster snapshots (Aurora User Guide,
 *       aurora-copy-snapshot).
 *   <li>100 manual snapshots per Region by default (CHAP_Limits, "Manual DB snapshots").
 *   <li>An option group named in a copy must exist in the destination account and Region (option groups are
 *       per account and Region; OptionGroupNotFoundFault, API_CopyDBSnapshot.html).
 *   <li>"If you copy an unencrypted DB cluster snapshot and specify a value for the KmsKeyId parameter, an error
 *       is returned" (API_CopyDBClusterSnapshot.html).
 * </ul>
 *
 * <p>With an {@link IamModel} set ({@link #iam}), every call is first authorized as AWS authorizes it: the
 * calling role's IAM policy for the RDS action on its resources (with the tags of the request and of the
 * resource as condition keys), and, for encrypted snapshots, the key policy and the role's policy for RDS's use
 * of each KMS key involved. Without one, keys are judged by {@link Key#usableBy} alone.
 */
public class InMemoryRds implements RdsGateway {
    private final Clock clock;
    private final Map<String, Entry> snapshots = new LinkedHashMap<>();
    private final Map<String, SourceDatabase> databases = new HashMap<>();
    private final Map<String, Key> keys = new HashMap<>();
    /** Observations a new snapshot or copy needs before it is available. */
    public int pollsToComplete = 2;

    /**
     * When set, snapshots and copies take time instead of observations: each is available once the clock passes
     * its creation plus {@code duration.apply(where, snapshotId)}, and counts as in progress until then (a fleet's
     * night, FleetNightTest).
     */
    public java.util.function.BiFunction<Location, String, java.time.Duration> duration;
    /** Snapshots (by location and id) whose next copy or creation ends "failed"; one entry per failure. */
    public final List<String> failNext = new ArrayList<>();

    public synchronized void failNextAt(Location where, String snapshotId) {
        failNext.add(k(where, snapshotId));
    }
    /** When true, a copy that is both cross-account and cross-Region is refused, forcing two steps. */
    public boolean refuseCrossAccountCrossRegionCopy;

    public int manualQuota = 100;
    public final List<String> calls = new ArrayList<>();

    /** When set, every call is authorized against it first (see the class comment). */
    public IamModel iam;

    private void authorize(
            Location where,
            String action,
            String resourceArn,
            Map<String, String> resourceTags,
            Map<String, String> requestTags) {
        if (iam == null) {
            return;
        }
        Map<String, List<String>> context = new HashMap<>();
        resourceTags.forEach((k, v) -> context.put("aws:ResourceTag/" + k, List.of(v)));
        if (!requestTags.isEmpty()) {
            context.put("aws:TagKeys", List.copyOf(requestTags.keySet()));
            requestTags.forEach((k, v) -> context.put("aws:RequestTag/" + k, List.of(v)));
        }
        iam.authorize(where.account(), action, resourceArn, context);
    }

    private void authorize(Location where, String action, String resourceArn) {
        authorize(where, action, resourceArn, Map.of(), Map.of());
    }

    /** Tags given at creation are authorized as rds:AddTagsToResource on the new resource (tag-on-create). */
    private void authorizeTagsOnCreate(Location where, String newArn, Map<String, String> tags) {
        if (!tags.isEmpty()) {
            authorize(where, "rds:AddTagsToResource", newArn, Map.of(), tags);
        }
    }

    private static String arn(Location where, String type, String id) {
        return "arn:aws:rds:" + where.region() + ":" + where.account() + ":" + type + ":" + id;
    }

    private static String snapshotType(DbKind kind) {
        return kind == DbKind.CLUSTER ? "cluster-snapshot" : "snapshot";
    }

    private static String dbType(DbKind kind) {
        return kind == DbKind.CLUSTER ? "cluster" : "db";
    }

    private static String describeSnapshots(DbKind kind) {
        return kind == DbKind.CLUSTER ? "rds:DescribeDBClusterSnapshots" : "rds:DescribeDBSnapshots";
    }

    /** RDS's use of a KMS key for the caller in {@code where}: the IAM model's, or the key's account list. */
    private void useKey(Location where, String keyArn) {
        if (iam != null) {
            iam.useKey(where.account(), keyArn);
            return;
        }
        Key key = keys.get(keyArn);
        if (key == null || !key.usableBy().contains(where.account())) {
            throw new KeyNotGrantedException(keyArn, where.account(), "KMSKeyNotAccessibleFault");
        }
    }

    private static final class Entry {
        SnapshotInfo info;
        int pollsLeft;
        /** With {@link #duration} set: when the snapshot or copy is done, whoever looks. */
        Instant due;

        boolean willFail;
        final Set<String> sharedWith = new HashSet<>();
    }

    /** A KMS key: its owner, region, whether AWS manages it (aws/rds), and who may use it. */
    public record Key(String arn, String account, String region, boolean awsManaged, Set<String> usableBy) {}

    public InMemoryRds(Clock clock) {
        this.clock = clock;
    }

    private static String k(Location l, String id) {
        return l.account() + "/" + l.region() + "/" + id;
    }

    public synchronized void addDatabase(Location where, String id, String engine, String kmsKeyArn) {
        addDatabase(where, id, engine, kmsKeyArn, "default:postgres-16");
    }

    public synchronized void addDatabase(
            Location where, String id, String engine, String kmsKeyArn, String optionGroup) {
        databases.put(
                k(where, id),
                new SourceDatabase(
                        id,
                        engine,
                        "16.4",
                        kmsKeyArn != null,
                        kmsKeyArn,
                        optionGroup,
                        "available",
                        id + "." + where.region() + ".rds.example:5432",
                        Map.of(),
                        newResourceId()));
    }

    private int resourceIds;

    /**
     * A database's resource id, new for every database made (RDS: "unique to an AWS Region" and never reused, so a
     * database deleted and made again under its name has another one; API_DBInstance.html, DbiResourceId).
     */
    private String newResourceId() {
        resourceIds++;
        return String.format(java.util.Locale.ROOT, "db-LIFEBOATFAKE%012d", resourceIds);
    }

    /** The resource id of a database of the fake, as RDS would answer it. */
    public synchronized String resourceIdOf(Location where, String id) {
        SourceDatabase db = databases.get(k(where, id));
        return db == null ? null : db.resourceId();
    }

    public synchronized void removeDatabase(Location where, String id) {
        databases.remove(k(where, id));
    }

    public synchronized Key addKey(String account, String region, String name, boolean awsManaged, String... usableBy) {
        String arn = "arn:aws:kms:" + region + ":" + account + ":key/" + name;
        Set<String> users = new HashSet<>(Set.of(usableBy));
        users.add(account);
        Key key = new Key(arn, account, region, awsManaged, users);
        keys.put(arn, key);
        return key;
    }

    private final Set<String> optionGroups = new HashSet<>();

    /** An option group of that account and Region. */
    public synchronized void addOptionGroup(Location where, String name) {
        optionGroups.add(k(where, name));
    }

    public synchronized List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /** An automated snapshot, as RDS's backup window makes them. */
    public synchronized SnapshotInfo addAutomated(
            Location where, DbKind kind, String dbId, Instant at, String kmsKeyArn) {
        String id = "rds:" + dbId + "-" + at.toString().substring(0, 16).replace(":", "-");
        Entry e = new Entry();
        SourceDatabase db = databases.get(k(where, dbId));
        e.info = info(
                where,
                kind,
                id,
                dbId,
                "available",
                "automated",
                at,
                kmsKeyArn,
                Map.of(),
                100,
                at,
                db == null ? null : db.resourceId());
        snapshots.put(k(where, id), e);
        return e.info;
    }

    /** A snapshot as if a run had made it earlier (for retention tests). */
    public synchronized void put(SnapshotInfo s) {
        Entry e = new Entry();
        e.info = s;
        snapshots.put(k(s.location(), s.id()), e);
    }

    /** A snapshot still being made (another run's copy in flight), until {@link #finishInProgress()}. */
    public synchronized void putInProgress(SnapshotInfo s) {
        Entry e = new Entry();
        e.info = s;
        e.pollsLeft = Integer.MAX_VALUE;
        snapshots.put(k(s.location(), s.id()), e);
    }

    public synchronized void finishInProgress() {
        snapshots.values().stream()
                .filter(e -> e.pollsLeft == Integer.MAX_VALUE)
                .forEach(e -> {
                    e.pollsLeft = 1;
                    tick(e);
                });
    }

    public synchronized List<SnapshotInfo> all(Location where) {
        return snapshots.values().stream()
                .map(e -> e.info)
                .filter(s -> s.location().equals(where))
                .toList();
    }

    private SnapshotInfo info(
            Location where,
            DbKind kind,
            String id,
            String dbId,
            String status,
            String type,
            Instant at,
            String kmsKeyArn,
            Map<String, String> tags,
            int percent,
            Instant original,
            String resourceId) {
        return info(where, kind, id, dbId, status, type, at, kmsKeyArn, tags, percent, original, resourceId, null);
    }

    private SnapshotInfo info(
            Location where,
            DbKind kind,
            String id,
            String dbId,
            String status,
            String type,
            Instant at,
            String kmsKeyArn,
            Map<String, String> tags,
            int percent,
            Instant original,
            String resourceId,
            String copiedFrom) {
        String arn = "arn:aws:rds:" + where.region() + ":" + where.account() + ":"
                + (kind == DbKind.CLUSTER ? "cluster-snapshot:" : "snapshot:") + id;
        return SnapshotInfo.builder()
                .id(id)
                .arn(arn)
                .location(where)
                .kind(kind)
                .dbIdentifier(dbId)
                .status(status)
                .type(type)
                .createdAt(at)
                .encrypted(kmsKeyArn != null)
                .kmsKeyId(kmsKeyArn)
                .tags(tags)
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16.4")
                .percentProgress(percent)
                .originalCreatedAt(kind == DbKind.CLUSTER ? null : original)
                .resourceId(resourceId)
                // RDS names the snapshot a cluster snapshot was copied from (SourceDBClusterSnapshotArn).
                .copiedFrom(kind == DbKind.CLUSTER ? copiedFrom : null)
                .build();
    }

    /** Each observation moves unfinished snapshots one step toward done. */
    private void tick(Entry e) {
        if (e.due != null && e.pollsLeft > 0) {
            e.pollsLeft = clock.instant().isBefore(e.due) ? Integer.MAX_VALUE - 1 : 1;
            if (e.pollsLeft > 1) {
                return;
            }
        }
        if (e.pollsLeft > 0) {
            e.pollsLeft--;
            String status = e.pollsLeft > 0 ? e.info.status() : (e.willFail ? "failed" : "available");
            e.info = e.info.withState(status, e.pollsLeft > 0 ? 50 : 100, e.sharedWith);
        } else if (!e.info.sharedWith().equals(e.sharedWith)) {
            e.info = e.info.withState(e.info.status(), e.info.percentProgress(), e.sharedWith);
        }
    }

    private final Map<String, Integer> restoresPending = new HashMap<>();
    public final List<RestoreSpec> restores = new ArrayList<>();

    @Override
    public synchronized Optional<SourceDatabase> database(Location where, DbKind kind, String identifier) {
        authorize(
                where,
                kind == DbKind.CLUSTER ? "rds:DescribeDBClusters" : "rds:DescribeDBInstances",
                arn(where, dbType(kind), identifier));
        SourceDatabase db = databases.get(k(where, identifier));
        Integer left = restoresPending.get(k(where, identifier));
        if (db != null && left != null && left != Integer.MAX_VALUE) {
            if (left <= 1) {
                restoresPending.remove(k(where, identifier));
                db = new SourceDatabase(
                        db.identifier(),
                        db.engine(),
                        db.engineVersion(),
                        db.encrypted(),
                        db.kmsKeyId(),
                        db.optionGroup(),
                        "available",
                        identifier + "." + where.region() + ".rds.example:5432",
                        db.tags(),
                        db.resourceId());
                databases.put(k(where, identifier), db);
            } else {
                restoresPending.put(k(where, identifier), left - 1);
            }
        }
        return Optional.ofNullable(db);
    }

    /** CreateDBInstance of an empty instance; it comes up like a restored one, after {@link #pollsToComplete}. */
    public final List<NewInstance> created = new ArrayList<>();

    @Override
    public synchronized SourceDatabase createInstance(Location where, NewInstance n) {
        RestoreSpec spec = n.spec();
        calls.add("create " + where + " " + spec.newIdentifier());
        authorize(where, "rds:CreateDBInstance", arn(where, "db", spec.newIdentifier()));
        authorizeTagsOnCreate(where, arn(where, "db", spec.newIdentifier()), spec.tags());
        if (databases.containsKey(k(where, spec.newIdentifier()))) {
            throw new IllegalStateException("DBInstanceAlreadyExists: " + spec.newIdentifier());
        }
        checkMasterPassword(spec.engine(), DbKind.INSTANCE, n.masterPassword());
        if (n.kmsKeyId() != null && iam != null) {
            useKey(where, n.kmsKeyId());
        }
        created.add(n);
        SourceDatabase db = new SourceDatabase(
                spec.newIdentifier(),
                spec.engine(),
                n.engineVersion(),
                true,
                n.kmsKeyId(),
                spec.optionGroup(),
                "creating",
                null,
                spec.tags(),
                newResourceId());
        databases.put(k(where, spec.newIdentifier()), db);
        restoresPending.put(k(where, spec.newIdentifier()), restorePolls >= 0 ? restorePolls : pollsToComplete);
        return db;
    }

    /**
     * CreateDBInstance of a cluster's writer: only once the cluster is available ("You can create DB instances in
     * the cluster after it is available", API_RestoreDBClusterFromSnapshot.html); the instance then comes up like
     * a restore.
     */
    @Override
    public synchronized SourceDatabase addWriter(
            Location where, SourceDatabase cluster, String instanceClass, Map<String, String> tags) {
        String writer = cluster.identifier() + RdsDatabases.WRITER_SUFFIX;
        calls.add("add-writer " + where + " " + writer);
        authorize(where, "rds:CreateDBInstance", arn(where, "db", writer));
        authorize(where, "rds:CreateDBInstance", arn(where, "cluster", cluster.identifier()));
        authorizeTagsOnCreate(where, arn(where, "db", writer), tags);
        SourceDatabase c = databases.get(k(where, cluster.identifier()));
        if (c == null) {
            throw new IllegalStateException("DBClusterNotFoundFault: " + cluster.identifier());
        }
        if (!c.available() || restoresPending.containsKey(k(where, cluster.identifier()))) {
            throw new IllegalStateException("InvalidDBClusterStateFault: DB cluster " + cluster.identifier() + " is "
                    + c.status() + "; instances can be added once it is available");
        }
        if (databases.containsKey(k(where, writer))) {
            throw new IllegalStateException("DBInstanceAlreadyExists: " + writer);
        }
        SourceDatabase db = new SourceDatabase(
                writer,
                c.engine(),
                c.engineVersion(),
                c.encrypted(),
                c.kmsKeyId(),
                null,
                "creating",
                null,
                tags,
                newResourceId());
        databases.put(k(where, writer), db);
        restoresPending.put(k(where, writer), restorePolls >= 0 ? restorePolls : pollsToComplete);
        return db;
    }

    /** Polls a restore needs before it is available; Integer.MAX_VALUE: never. */
    public int restorePolls = -1;

    public final Map<String, String> masterPasswords = new HashMap<>();

    @Override
    public synchronized String resetMasterPassword(Location where, DbKind kind, String identifier, Secret password) {
        calls.add("reset-password " + where + " " + identifier);
        if (!databases.containsKey(k(where, identifier))) {
            throw new IllegalStateException("DBInstanceNotFound: " + identifier);
        }
        authorize(
                where,
                kind == DbKind.CLUSTER ? "rds:ModifyDBCluster" : "rds:ModifyDBInstance",
                arn(where, dbType(kind), identifier),
                databases.get(k(where, identifier)).tags(),
                Map.of());
        checkMasterPassword(databases.get(k(where, identifier)).engine(), kind, password);
        masterPasswords.put(identifier, password.reveal());
        return "app";
    }

    /**
     * MasterUserPassword's length constraints per engine, as RDS answers them (RdsDatabases.maxMasterPassword: 8 to
     * 41 for MySQL, MariaDB and Aurora clusters, 8 to 128 for PostgreSQL; API_CreateDBInstance.html,
     * API_ModifyDBInstance.html, API_CreateDBCluster.html, API_ModifyDBCluster.html).
     */
    private static void checkMasterPassword(String engine, DbKind kind, Secret password) {
        int length = password.reveal().length();
        if (length < 8 || length > RdsDatabases.maxMasterPassword(engine, kind)) {
            throw new IllegalStateException("InvalidParameterValue: The parameter MasterUserPassword is not a valid"
                    + " password because it is longer than " + RdsDatabases.maxMasterPassword(engine, kind)
                    + " characters or shorter than 8 (" + engine + ")");
        }
    }

    /** What protects each database (the audit's view); a database without an entry: unprotected, 7 days. */
    public final Map<String, Protection> protection = new HashMap<>();

    @Override
    public synchronized List<Protection> protections(Location where) {
        authorize(where, "rds:DescribeDBInstances", "*");
        List<Protection> out = new ArrayList<>();
        databases.forEach((key, db) -> {
            if (key.startsWith(where.account() + "/" + where.region() + "/")) {
                out.add(protection.getOrDefault(
                        db.identifier(),
                        new Protection(DbKind.INSTANCE, db.identifier(), false, 7, db.encrypted(), db.kmsKeyId())));
            }
        });
        return out;
    }

    /** Databases whose deletion fails, as RDS refuses one that is being modified (InvalidDBInstanceState). */
    public final Set<String> refuseDeleting = new HashSet<>();

    @Override
    public synchronized void deleteDatabase(Location where, DbKind kind, String identifier) {
        calls.add("delete-database " + where + " " + identifier);
        SourceDatabase existing = databases.get(k(where, identifier));
        String writer = identifier + RdsDatabases.WRITER_SUFFIX;
        if (kind == DbKind.CLUSTER && databases.containsKey(k(where, writer))) {
            // A cluster with instances cannot be deleted (InvalidDBClusterStateFault): the port deletes its
            // writer first, which the caller must be allowed too.
            authorize(
                    where,
                    "rds:DeleteDBInstance",
                    arn(where, "db", writer),
                    databases.get(k(where, writer)).tags(),
                    Map.of());
            databases.remove(k(where, writer));
            restoresPending.remove(k(where, writer));
        }
        authorize(
                where,
                kind == DbKind.CLUSTER ? "rds:DeleteDBCluster" : "rds:DeleteDBInstance",
                arn(where, dbType(kind), identifier),
                existing == null ? Map.of() : existing.tags(),
                Map.of());
        if (refuseDeleting.contains(identifier)) {
            throw new IllegalStateException("InvalidDBInstanceState: " + identifier + " is being modified");
        }
        databases.remove(k(where, identifier));
        restoresPending.remove(k(where, identifier));
    }

    @Override
    public synchronized List<SourceDatabase> databasesTagged(Location where, DbKind kind, String tagKey) {
        authorize(where, kind == DbKind.CLUSTER ? "rds:DescribeDBClusters" : "rds:DescribeDBInstances", "*");
        List<SourceDatabase> out = new ArrayList<>();
        databases.forEach((key, db) -> {
            if (key.startsWith(where.account() + "/" + where.region() + "/")
                    && db.tags().containsKey(tagKey)) {
                out.add(db);
            }
        });
        return out;
    }

    /** RestoreDBInstanceFromDBSnapshot: the snapshot must be owned here and available; the identifier must be new. */
    @Override
    public synchronized SourceDatabase restore(Location where, DbKind kind, RestoreSpec spec) {
        calls.add("restore " + where + " " + spec.newIdentifier() + " from " + spec.snapshotId());
        String restoreAction =
                kind == DbKind.CLUSTER ? "rds:RestoreDBClusterFromSnapshot" : "rds:RestoreDBInstanceFromDBSnapshot";
        authorize(where, restoreAction, arn(where, snapshotType(kind), spec.snapshotId()));
        authorize(where, restoreAction, arn(where, dbType(kind), spec.newIdentifier()));
        authorizeTagsOnCreate(where, arn(where, dbType(kind), spec.newIdentifier()), spec.tags());
        if (kind == DbKind.CLUSTER) {
            authorize(
                    where, "rds:CreateDBInstance", arn(where, "db", spec.newIdentifier() + RdsDatabases.WRITER_SUFFIX));
        }
        Entry e = snapshots.get(k(where, spec.snapshotId()));
        if (e == null || !e.info.available()) {
            throw new IllegalStateException("DBSnapshotNotFound or not available: " + spec.snapshotId());
        }
        if (e.info.encrypted() && iam != null) {
            useKey(where, e.info.kmsKeyId());
        }
        if (databases.containsKey(k(where, spec.newIdentifier()))) {
            throw new IllegalStateException("DBInstanceAlreadyExists: " + spec.newIdentifier());
        }
        // "1 to 63 letters, numbers, or hyphens; first a letter; no two hyphens in a row; no trailing hyphen"
        // (API_CreateDBInstance.html, API_RestoreDBClusterFromSnapshot.html); a cluster's writer instance is
        // <cluster>-writer and must fit too.
        String writer =
                kind == DbKind.CLUSTER ? spec.newIdentifier() + RdsDatabases.WRITER_SUFFIX : spec.newIdentifier();
        if (!spec.newIdentifier().matches("[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)")
                || writer.length() > RdsDatabases.MAX_IDENTIFIER) {
            throw new IllegalStateException("InvalidParameterValue: identifier " + writer + " is not 1 to 63 letters,"
                    + " numbers or hyphens starting with a letter");
        }
        restores.add(spec);
        SourceDatabase db = new SourceDatabase(
                spec.newIdentifier(),
                e.info.engine(),
                e.info.engineVersion(),
                e.info.encrypted(),
                e.info.kmsKeyId(),
                spec.optionGroup(),
                "creating",
                null,
                spec.tags(),
                newResourceId());
        databases.put(k(where, spec.newIdentifier()), db);
        restoresPending.put(k(where, spec.newIdentifier()), restorePolls >= 0 ? restorePolls : pollsToComplete);
        return db;
    }

    @Override
    public synchronized List<SnapshotInfo> snapshots(Location where, DbKind kind, String dbIdentifier) {
        authorize(where, describeSnapshots(kind), "*");
        List<SnapshotInfo> out = new ArrayList<>();
        for (Entry e : snapshots.values()) {
            if (e.info.location().equals(where)
                    && (dbIdentifier == null || dbIdentifier.equals(e.info.dbIdentifier()))) {
                tick(e);
                out.add(e.info);
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<SnapshotInfo> snapshot(Location where, DbKind kind, String snapshotId) {
        authorize(where, describeSnapshots(kind), arn(where, snapshotType(kind), snapshotId));
        Entry e = snapshots.get(k(where, snapshotId));
        if (e == null) {
            return Optional.empty();
        }
        tick(e);
        return Optional.of(e.info);
    }

    /** Manual DB snapshots and manual DB cluster snapshots have separate quotas (CHAP_Limits). */
    private void checkQuota(Location where, DbKind kind) {
        long manual = snapshots.values().stream()
                .filter(e ->
                        e.info.location().equals(where) && e.info.kind() == kind && !"automated".equals(e.info.type()))
                .count();
        if (manual >= manualQuota) {
            throw new QuotaReachedException(
                    "SnapshotQuotaExceeded: " + where + " holds " + manual + " manual " + kind + " snapshots");
        }
    }

    @Override
    public synchronized SnapshotInfo createSnapshot(
            Location where, DbKind kind, String dbIdentifier, String snapshotId, Map<String, String> tags) {
        calls.add("create " + where + " " + snapshotId);
        String createAction = kind == DbKind.CLUSTER ? "rds:CreateDBClusterSnapshot" : "rds:CreateDBSnapshot";
        authorize(where, createAction, arn(where, dbType(kind), dbIdentifier));
        authorize(where, createAction, arn(where, snapshotType(kind), snapshotId));
        authorizeTagsOnCreate(where, arn(where, snapshotType(kind), snapshotId), tags);
        Entry existing = snapshots.get(k(where, snapshotId));
        if (existing != null) {
            return existing.info;
        }
        SourceDatabase db = databases.get(k(where, dbIdentifier));
        if (db == null) {
            throw new IllegalStateException("DBInstanceNotFound: " + dbIdentifier);
        }
        checkQuota(where, kind);
        Entry e = new Entry();
        e.info = info(
                where,
                kind,
                snapshotId,
                dbIdentifier,
                "creating",
                "manual",
                clock.instant(),
                db.kmsKeyId(),
                tags,
                0,
                clock.instant(),
                db.resourceId());
        e.pollsLeft = pollsToComplete;
        e.due = duration == null ? null : clock.instant().plus(duration.apply(where, snapshotId));
        e.willFail = failNext.remove(k(where, snapshotId));
        snapshots.put(k(where, snapshotId), e);
        return e.info;
    }

    @Override
    public synchronized SnapshotInfo copySnapshot(
            Location where,
            DbKind kind,
            String sourceArn,
            String sourceRegion,
            String targetId,
            String kmsKeyId,
            String optionGroup,
            Map<String, String> tags) {
        calls.add("copy " + where + " " + targetId + " from " + sourceArn);
        String copyAction = kind == DbKind.CLUSTER ? "rds:CopyDBClusterSnapshot" : "rds:CopyDBSnapshot";
        authorize(where, copyAction, sourceArn);
        authorize(where, copyAction, arn(where, snapshotType(kind), targetId));
        authorizeTagsOnCreate(where, arn(where, snapshotType(kind), targetId), tags);
        Entry existing = snapshots.get(k(where, targetId));
        if (existing != null) {
            return existing.info;
        }
        Entry src = snapshots.values().stream()
                .filter(e -> e.info.arn().equals(sourceArn))
                .findFirst()
                .orElseThrow(() -> new SnapshotGoneException("DBSnapshotNotFound: " + sourceArn));
        SnapshotInfo s = src.info;
        if (!s.available()) {
            throw new IllegalStateException("InvalidDBSnapshotState: " + s.id() + " is " + s.status());
        }
        boolean crossAccount = !s.location().account().equals(where.account());
        boolean crossRegion = !s.location().region().equals(where.region());
        if (optionGroup != null && !optionGroups.contains(k(where, optionGroup))) {
            throw new IllegalStateException(
                    "OptionGroupNotFoundFault: option group " + optionGroup + " does not exist in " + where);
        }
        if (kind == DbKind.CLUSTER && !s.encrypted() && kmsKeyId != null) {
            throw new IllegalStateException("InvalidParameterCombination: KmsKeyId given to copy the unencrypted DB"
                    + " cluster snapshot " + s.id());
        }
        if (crossAccount) {
            if (!src.sharedWith.contains(where.account())) {
                throw new IllegalStateException(
                        "DBSnapshotNotFound: " + sourceArn + " is not shared with " + where.account());
            }
            if (s.encrypted()) {
                useKey(where, s.kmsKeyId());
            }
            if (crossRegion && refuseCrossAccountCrossRegionCopy) {
                throw new CopyRejectedException(
                        "InvalidParameterCombination: cannot copy a shared snapshot across Regions");
            }
        }
        String targetKey = s.kmsKeyId();
        if (!crossAccount && s.encrypted() && iam != null) {
            useKey(where, s.kmsKeyId());
        }
        if (kmsKeyId != null) {
            Key key = keys.get(kmsKeyId);
            if (key == null || !key.region().equals(where.region())) {
                throw new IllegalStateException("KMSKeyNotAccessibleFault: " + kmsKeyId + " is not a key of " + where);
            }
            if (iam != null) {
                useKey(where, kmsKeyId);
            } else if (!key.usableBy().contains(where.account())) {
                throw new IllegalStateException("KMSKeyNotAccessibleFault: " + kmsKeyId + " in " + where);
            }
            targetKey = kmsKeyId;
        } else if (s.encrypted() && (crossRegion || crossAccount)) {
            throw new IllegalStateException("InvalidParameterValue: KmsKeyId is required to copy an encrypted snapshot "
                    + (crossRegion ? "across Regions" : "from another account"));
        }
        long inProgress = copiesInProgress(where, kind);
        if (inProgress >= (kind == DbKind.CLUSTER ? 5 : 20)) {
            throw new QuotaReachedException(
                    "SnapshotQuotaExceeded: " + inProgress + " copies in progress into " + where);
        }
        checkQuota(where, kind);
        Entry e = new Entry();
        e.info = info(
                where,
                kind,
                targetId,
                s.dbIdentifier(),
                "creating",
                "manual",
                clock.instant(),
                targetKey,
                tags,
                0,
                // RDS keeps OriginalSnapshotCreateTime through copies (API_DBSnapshot.html).
                s.originalCreatedAt() != null ? s.originalCreatedAt() : s.createdAt(),
                // RDS keeps the DbiResourceId of the database the data came from through copies.
                s.resourceId(),
                s.arn());
        e.pollsLeft = pollsToComplete;
        e.due = duration == null ? null : clock.instant().plus(duration.apply(where, targetId));
        e.willFail = failNext.remove(k(where, targetId));
        snapshots.put(k(where, targetId), e);
        return e.info;
    }

    @Override
    public synchronized void share(Location where, DbKind kind, String snapshotId, String account) {
        calls.add("share " + where + " " + snapshotId + " with " + account);
        authorize(
                where,
                kind == DbKind.CLUSTER ? "rds:ModifyDBClusterSnapshotAttribute" : "rds:ModifyDBSnapshotAttribute",
                arn(where, snapshotType(kind), snapshotId));
        Entry e = snapshots.get(k(where, snapshotId));
        if (e == null) {
            throw new SnapshotGoneException("DBSnapshotNotFound: " + snapshotId);
        }
        if ("all".equals(account)) {
            throw new IllegalStateException("InvalidParameterValue: Lifeboat never shares publicly");
        }
        if ("automated".equals(e.info.type())) {
            throw new IllegalStateException(
                    "InvalidParameterValue: automated snapshots cannot be shared; copy them first");
        }
        if (e.info.encrypted() && keys.get(e.info.kmsKeyId()).awsManaged()) {
            throw new IllegalStateException(
                    "InvalidParameterValue: snapshots encrypted with the default AWS KMS key cannot be shared");
        }
        if (e.sharedWith.size() >= 20 && !e.sharedWith.contains(account)) {
            throw new IllegalStateException("SharedSnapshotQuotaExceeded: at most 20 accounts");
        }
        e.sharedWith.add(account);
        tick(e);
    }

    @Override
    public synchronized void delete(Location where, DbKind kind, String snapshotId) {
        calls.add("delete " + where + " " + snapshotId);
        Entry e = snapshots.get(k(where, snapshotId));
        if (e == null) {
            return; // already gone counts as deleted, as the port promises (the adapter makes it so for AWS)
        }
        authorize(
                where,
                kind == DbKind.CLUSTER ? "rds:DeleteDBClusterSnapshot" : "rds:DeleteDBSnapshot",
                arn(where, snapshotType(kind), snapshotId),
                e.info.tags(),
                Map.of());
        snapshots.remove(k(where, snapshotId));
    }

    @Override
    public synchronized Quota manualSnapshotQuota(Location where, DbKind kind) {
        authorize(where, "rds:DescribeAccountAttributes", "*");
        int used = (int) snapshots.values().stream()
                .filter(e ->
                        e.info.location().equals(where) && e.info.kind() == kind && !"automated".equals(e.info.type()))
                .count();
        return new Quota(used, manualQuota);
    }

    @Override
    public synchronized int copiesInProgress(Location where, DbKind kind) {
        authorize(where, describeSnapshots(kind), "*");
        return (int) snapshots.values().stream()
                .filter(e -> e.info.location().equals(where) && e.info.kind() == kind)
                .filter(e -> e.due != null ? clock.instant().isBefore(e.due) : e.pollsLeft > 0)
                .count();
    }
}
