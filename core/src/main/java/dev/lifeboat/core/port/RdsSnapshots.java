package dev.lifeboat.core.port;

import dev.lifeboat.core.error.CopyRejectedException;
import dev.lifeboat.core.error.KeyNotGrantedException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway.Quota;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot calls of RDS, each in one account and Region: list, create, copy, share, delete, and the
 * quotas that bound them. The AWS adapter assumes a role into the account; the in-memory fake enforces
 * the documented RDS rules moto does not model.
 */
public interface RdsSnapshots {
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

    /** Manual snapshots of that kind (DB or DB cluster snapshots: separate quotas) used and allowed there. */
    Quota manualSnapshotQuota(Location where, DbKind kind);

    /** Snapshot copies in progress whose destination is that account and region. */
    int copiesInProgress(Location where, DbKind kind);
}
