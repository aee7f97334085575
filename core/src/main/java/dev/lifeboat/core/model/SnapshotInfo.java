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
        return toBuilder()
                .status(newStatus)
                .percentProgress(newPercentProgress)
                .sharedWith(newSharedWith)
                .build();
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

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this snapshot's values, to build one like it with some changed. */
    public Builder toBuilder() {
        return new Builder()
                .id(id)
                .arn(arn)
                .location(location)
                .kind(kind)
                .dbIdentifier(dbIdentifier)
                .status(status)
                .type(type)
                .createdAt(createdAt)
                .encrypted(encrypted)
                .kmsKeyId(kmsKeyId)
                .tags(tags)
                .sharedWith(sharedWith)
                .engine(engine)
                .engineVersion(engineVersion)
                .percentProgress(percentProgress)
                .originalCreatedAt(originalCreatedAt)
                .resourceId(resourceId)
                .copiedFrom(copiedFrom);
    }

    /**
     * Names each value it sets; one left unset is null (or false, 0): original creation time, resource id and
     * source snapshot not known, as RDS gives none for many snapshots.
     */
    public static final class Builder {
        private String id;
        private String arn;
        private Location location;
        private DbKind kind;
        private String dbIdentifier;
        private String status;
        private String type;
        private Instant createdAt;
        private boolean encrypted;
        private String kmsKeyId;
        private Map<String, String> tags;
        private Set<String> sharedWith;
        private String engine;
        private String engineVersion;
        private int percentProgress;
        private Instant originalCreatedAt;
        private String resourceId;
        private String copiedFrom;

        private Builder() {}

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder arn(String v) {
            arn = v;
            return this;
        }

        public Builder location(Location v) {
            location = v;
            return this;
        }

        public Builder kind(DbKind v) {
            kind = v;
            return this;
        }

        public Builder dbIdentifier(String v) {
            dbIdentifier = v;
            return this;
        }

        public Builder status(String v) {
            status = v;
            return this;
        }

        public Builder type(String v) {
            type = v;
            return this;
        }

        public Builder createdAt(Instant v) {
            createdAt = v;
            return this;
        }

        public Builder encrypted(boolean v) {
            encrypted = v;
            return this;
        }

        public Builder kmsKeyId(String v) {
            kmsKeyId = v;
            return this;
        }

        public Builder tags(Map<String, String> v) {
            tags = v;
            return this;
        }

        public Builder sharedWith(Set<String> v) {
            sharedWith = v;
            return this;
        }

        public Builder engine(String v) {
            engine = v;
            return this;
        }

        public Builder engineVersion(String v) {
            engineVersion = v;
            return this;
        }

        public Builder percentProgress(int v) {
            percentProgress = v;
            return this;
        }

        public Builder originalCreatedAt(Instant v) {
            originalCreatedAt = v;
            return this;
        }

        public Builder resourceId(String v) {
            resourceId = v;
            return this;
        }

        public Builder copiedFrom(String v) {
            copiedFrom = v;
            return this;
        }

        public SnapshotInfo build() {
            return new SnapshotInfo(
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
                    copiedFrom);
        }
    }
}
