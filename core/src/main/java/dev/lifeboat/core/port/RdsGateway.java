package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.SnapshotInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RDS calls the snapshot pipeline makes, each in one account and region. The AWS adapter assumes
 * a role into the account; the in-memory fake enforces the documented RDS rules moto does not model.
 */
public interface RdsGateway {

    /** The source database, or empty if it does not exist (deleted, or the wrong id). */
    Optional<SourceDatabase> database(Location where, DbKind kind, String identifier);

    /** Snapshots owned in that account and region (manual and automated) of one database, or of all if null. */
    List<SnapshotInfo> snapshots(Location where, DbKind kind, String dbIdentifier);

    /** One snapshot by id, owned in that location, or empty. */
    Optional<SnapshotInfo> snapshot(Location where, DbKind kind, String snapshotId);

    /** Creates a snapshot; if one with that id exists already, returns it (a repeated run is progress, not an error). */
    SnapshotInfo createSnapshot(
            Location where, DbKind kind, String dbIdentifier, String snapshotId, Map<String, String> tags);

    /**
     * Copies a snapshot into {@code where}. {@code sourceArn} may be in another region (then RDS needs
     * {@code kmsKeyId} of the destination region) or shared from another account.
     *
     * If a snapshot with {@code targetId} exists already, returns it.
     *
     * @throws CopyRejectedException when RDS refuses this kind of copy (so the caller can try another way)
     * @throws KeyNotGrantedException when the source's key does not let this account use it
     */
    SnapshotInfo copySnapshot(
            Location where,
            DbKind kind,
            String sourceArn,
            String sourceRegion,
            String targetId,
            String kmsKeyId,
            String optionGroup,
            Map<String, String> tags);

    /** Adds an account to the snapshot's "restore" attribute. Never "all". */
    void share(Location where, DbKind kind, String snapshotId, String account);

    /** Deletes a snapshot; one that is already gone counts as deleted (two runs may clean up at once). */
    void delete(Location where, DbKind kind, String snapshotId);

    /** Manual snapshots used and allowed in that account and region. */
    Quota manualSnapshotQuota(Location where);

    /** Snapshot copies in progress whose destination is that account and region. */
    int copiesInProgress(Location where, DbKind kind);

    /** A database as RDS describes it. */
    record SourceDatabase(
            String identifier,
            String engine,
            String engineVersion,
            boolean encrypted,
            String kmsKeyId,
            String optionGroup,
            String status,
            String endpoint,
            Map<String, String> tags) {
        public SourceDatabase {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        public boolean available() {
            return "available".equals(status);
        }
    }

    /**
     * Restores a new database from a snapshot owned in {@code where}: RestoreDBInstanceFromDBSnapshot, or
     * RestoreDBClusterFromSnapshot plus a writer instance (CreateDBInstance) for Aurora. Returns the new
     * database as RDS first describes it.
     */
    SourceDatabase restore(Location where, DbKind kind, RestoreSpec spec);

    /** Sets a new master password (ModifyDBInstance / ModifyDBCluster, applied at once); returns the master user name. */
    String resetMasterPassword(Location where, DbKind kind, String identifier, Secret password);

    /**
     * Deletes a database without a final snapshot: only for throwaway verification instances, which the
     * caller identifies by their tag. Already gone counts as deleted.
     */
    void deleteDatabase(Location where, DbKind kind, String identifier);

    /** Databases in that place carrying the tag {@code tagKey}. */
    List<SourceDatabase> databasesTagged(Location where, DbKind kind, String tagKey);

    /** Every value a restore uses, so a plan can show them all (RDS would otherwise pick defaults). */
    record RestoreSpec(
            String snapshotId,
            String newIdentifier,
            String engine,
            String instanceClass,
            String subnetGroup,
            List<String> securityGroups,
            String parameterGroup,
            String optionGroup,
            boolean multiAz,
            boolean deletionProtection,
            Map<String, String> tags) {
        public RestoreSpec {
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** How close an account is to its manual snapshot quota. */
    record Quota(int used, int max) {
        public double ratio() {
            return max <= 0 ? 0 : (double) used / max;
        }
    }

    /** The KMS key of a shared snapshot does not let the copying account use it. */
    final class KeyNotGrantedException extends RuntimeException {
        private final String keyArn;
        private final String account;

        public KeyNotGrantedException(String keyArn, String account, String message) {
            super(message);
            this.keyArn = keyArn;
            this.account = account;
        }

        public String keyArn() {
            return keyArn;
        }

        public String account() {
            return account;
        }
    }

    /** A snapshot an action needed is gone: another invocation of the same run moved on meanwhile. */
    final class SnapshotGoneException extends RuntimeException {
        public SnapshotGoneException(String message) {
            super(message);
        }
    }

    /** RDS refused a copy of this shape; the message is RDS's. */
    final class CopyRejectedException extends RuntimeException {
        public CopyRejectedException(String message) {
            super(message);
        }
    }
}
