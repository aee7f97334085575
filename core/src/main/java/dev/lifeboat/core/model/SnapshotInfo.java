package dev.lifeboat.core.model;

import dev.lifeboat.protocol.Tags;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What RDS says of one DB snapshot or DB cluster snapshot.
 *
 * @param status RDS's status: "creating", "copying", "available", "failed", ...
 * @param type "manual", "automated" or "shared"
 * @param createdAt the snapshot's creation time (SnapshotCreateTime); null while RDS has none yet
 * @param kmsKeyId null for an unencrypted snapshot
 * @param sharedWith accounts the snapshot's "restore" attribute names
 * @param originalCreatedAt RDS's OriginalSnapshotCreateTime: when the first snapshot of a chain of copies was
 *     taken, set by RDS and kept by every copy (DB snapshots only; null for cluster snapshots and unknown).
 *     "Doesn't change when the snapshot is copied": https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBSnapshot.html
 * @param resourceId the resource id of the database the data was taken from: RDS's DbiResourceId of a DB snapshot
 *     ("The identifier for the source DB instance, which can't be changed and which is unique to an AWS Region",
 *     API_DBSnapshot.html) or DbClusterResourceId of a cluster snapshot (API_DBClusterSnapshot.html). Set by RDS,
 *     kept by every copy; no name can stand in for it. Null when RDS gave none.
 * @param copiedFrom the ARN of the snapshot this one was copied from: RDS's SourceDBClusterSnapshotArn of a DB
 *     cluster snapshot ("If the DB cluster snapshot was copied from a source DB cluster snapshot, the ARN for the
 *     source DB cluster snapshot, otherwise, a null value", API_DBClusterSnapshot.html). Null for a snapshot RDS
 *     took, and for DB snapshots (whose SourceDBSnapshotIdentifier RDS gives only across accounts or Regions).
 */
public record SnapshotInfo(
        String id,
        String arn,
        Location location,
        DbKind kind,
        String dbIdentifier,
        String status,
        String type,
        Instant createdAt,
        boolean encrypted,
        String kmsKeyId,
        Map<String, String> tags,
        Set<String> sharedWith,
        String engine,
        String engineVersion,
        int percentProgress,
        Instant originalCreatedAt,
        String resourceId,
        String copiedFrom) {

    /** This snapshot as RDS describes it later: another status, progress and set of accounts it is shared with. */
    public SnapshotInfo withState(String newStatus, int newPercentProgress, Set<String> newSharedWith) {
        return new SnapshotInfo(
                id,
                arn,
                location,
                kind,
                dbIdentifier,
                newStatus,
                type,
                createdAt,
                encrypted,
                kmsKeyId,
                tags,
                newSharedWith,
                engine,
                engineVersion,
                newPercentProgress,
                originalCreatedAt,
                resourceId,
                copiedFrom);
    }

    /** A snapshot not known to be a copy (a DB snapshot, one RDS took, a test's fixture). */
    public SnapshotInfo(
            String id,
            String arn,
            Location location,
            DbKind kind,
            String dbIdentifier,
            String status,
            String type,
            Instant createdAt,
            boolean encrypted,
            String kmsKeyId,
            Map<String, String> tags,
            Set<String> sharedWith,
            String engine,
            String engineVersion,
            int percentProgress,
            Instant originalCreatedAt,
            String resourceId) {
        this(
                id,
                arn,
                location,
                kind,
                dbIdentifier,
                status,
                type,
                createdAt,
                encrypted,
                kmsKeyId,
                tags,
                sharedWith,
                engine,
                engineVersion,
                percentProgress,
                originalCreatedAt,
                resourceId,
                null);
    }

    /** A snapshot whose original creation time is not known (a cluster snapshot, a test's fixture). */
    public SnapshotInfo(
            String id,
            String arn,
            Location location,
            DbKind kind,
            String dbIdentifier,
            String status,
            String type,
            Instant createdAt,
            boolean encrypted,
            String kmsKeyId,
            Map<String, String> tags,
            Set<String> sharedWith,
            String engine,
            String engineVersion,
            int percentProgress) {
        this(
                id,
                arn,
                location,
                kind,
                dbIdentifier,
                status,
                type,
                createdAt,
                encrypted,
                kmsKeyId,
                tags,
                sharedWith,
                engine,
                engineVersion,
                percentProgress,
                null,
                null);
    }

    /** A snapshot whose database's resource id is not known (a test's fixture). */
    public SnapshotInfo(
            String id,
            String arn,
            Location location,
            DbKind kind,
            String dbIdentifier,
            String status,
            String type,
            Instant createdAt,
            boolean encrypted,
            String kmsKeyId,
            Map<String, String> tags,
            Set<String> sharedWith,
            String engine,
            String engineVersion,
            int percentProgress,
            Instant originalCreatedAt) {
        this(
                id,
                arn,
                location,
                kind,
                dbIdentifier,
                status,
                type,
                createdAt,
                encrypted,
                kmsKeyId,
                tags,
                sharedWith,
                engine,
                engineVersion,
                percentProgress,
                originalCreatedAt,
                null);
    }

    public SnapshotInfo {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        sharedWith = sharedWith == null ? Set.of() : Set.copyOf(sharedWith);
    }

    public boolean available() {
        return "available".equals(status);
    }

    public boolean failed() {
        return "failed".equals(status) || "incompatible-restore".equals(status) || "error".equals(status);
    }

    public boolean managedByLifeboat() {
        return "lifeboat".equals(tags.get(Tags.MANAGED_BY));
    }
}
