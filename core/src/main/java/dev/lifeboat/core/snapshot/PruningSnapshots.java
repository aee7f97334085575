package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsSnapshots;
import dev.lifeboat.protocol.Tags;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a database's retention to its copies in the backup account. Only copies of that database
 * that Lifeboat made and tagged as backups are considered (see {@link RetentionPolicy}); a dry run
 * reports what it would delete and deletes nothing.
 */
public final class PruningSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(PruningSnapshots.class);

    public record Result(String databaseId, List<SnapshotInfo> kept, List<SnapshotInfo> deleted, boolean dryRun) {}

    private final RdsSnapshots rds;

    public PruningSnapshots(RdsSnapshots rds) {
        this.rds = rds;
    }

    /** The backup copies of one database, newest first. */
    public List<SnapshotInfo> copies(LifeboatConfig config, String databaseId) {
        LifeboatConfig.Database db = config.database(databaseId);
        Location backup = config.backup().location();
        return rds.snapshots(backup, db.source().kind(), null).stream()
                .filter(SnapshotInfo::managedByLifeboat)
                .filter(s -> databaseId.equals(s.tags().get(Tags.DATABASE)))
                .filter(s -> "backup".equals(s.tags().get(Tags.ROLE)))
                .sorted(Comparator.comparing((SnapshotInfo s) ->
                                RetentionPolicy.takenAt(s) == null ? Instant.MIN : RetentionPolicy.takenAt(s))
                        .reversed())
                .toList();
    }

    public Result prune(LifeboatConfig config, String databaseId, boolean dryRun) {
        LifeboatConfig.Database db = config.database(databaseId);
        RetentionPolicy.Verdict v = RetentionPolicy.apply(db.retention(), copies(config, databaseId));
        Location backup = config.backup().location();
        for (SnapshotInfo s : v.delete()) {
            if (dryRun) {
                LOG.info("would delete {} (taken {})", s.id(), RetentionPolicy.takenAt(s));
            } else {
                rds.delete(backup, db.source().kind(), s.id());
                LOG.info("deleted {} (taken {})", s.id(), RetentionPolicy.takenAt(s));
            }
        }
        return new Result(databaseId, v.keep(), v.delete(), dryRun);
    }
}
