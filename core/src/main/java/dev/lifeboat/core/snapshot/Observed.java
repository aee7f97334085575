package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import java.util.Optional;

/**
 * Everything the planner needs to know about a run, as observed in AWS right now: the source database,
 * the run's snapshots in each place (looked up by their deterministic ids), copy concurrency and the
 * snapshot quota of the backup account.
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
        RdsGateway.Quota backupQuota) {}
