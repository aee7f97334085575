package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import java.util.Optional;

/**
 * Everything the planner needs to know about a run, as observed in AWS right now: the source database,
 * the run's snapshots in each place (looked up by their deterministic ids), copy concurrency and the
 * snapshot quota of the backup account.
 *
 * @param automated every available automated snapshot of the source database's name (of whichever database RDS
 *     says), which tells how old the data of a copy-automated run's snapshots may be
 */
public record Observed(
        Optional<RdsGateway.SourceDatabase> sourceDatabase,
        Optional<SnapshotInfo> newestAutomated,
        Optional<SnapshotInfo> source,
        Optional<SnapshotInfo> share,
        Optional<SnapshotInfo> staging,
        Optional<SnapshotInfo> finalCopy,
        int copiesInProgressToBackupRegion,
        int copiesInProgressToStagingRegion,
        RdsGateway.Quota backupQuota,
        java.util.List<SnapshotInfo> automated) {
    public Observed {
        automated = automated == null ? java.util.List.of() : java.util.List.copyOf(automated);
    }
}
