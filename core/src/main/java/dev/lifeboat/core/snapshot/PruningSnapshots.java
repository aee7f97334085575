package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsSnapshots;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Tags;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a database's retention to its copies in the backup account. Only copies of that database
 * that Lifeboat made and tagged as backups are considered (see {@link RetentionPolicy}); copies a running
 * verification restores from are kept; a dry run reports what it would delete and deletes nothing. The
 * brake: a run that would delete more than {@code retention.maxDeletesPerRun} copies deletes none and
 * fails, since normal aging cannot explain it (a forged or mistaken change, or a configuration edit that
 * an operator confirms with {@code allowDeletes}).
 */
public final class PruningSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(PruningSnapshots.class);

    /**
     * What a run did.
     *
     * @param untrusted copies left alone because their times cannot be right, with the reason each
     * @param braked true when the run deleted nothing because it would have deleted too many
     */
    public record Result(
            String databaseId,
            List<SnapshotInfo> kept,
            List<SnapshotInfo> deleted,
            boolean dryRun,
            Map<String, String> untrusted,
            boolean braked) {}

    private final RdsGateway rds;
    private final Clock clock;

    public PruningSnapshots(RdsGateway rds, Clock clock) {
        this.rds = rds;
        this.clock = clock;
    }

    /** The backup copies of one database, newest first. */
    public List<SnapshotInfo> copies(LifeboatConfig config, String databaseId) {
        return copies(rds, config, databaseId);
    }

    /** The backup copies of one database in the backup account, newest first (by {@link RetentionPolicy#takenAt}). */
    public static List<SnapshotInfo> copies(RdsSnapshots rds, LifeboatConfig config, String databaseId) {
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

    /** A scheduled run: the brake holds at the configured number. */
    public Result prune(LifeboatConfig config, String databaseId, boolean dryRun) {
        return prune(config, databaseId, dryRun, -1);
    }

    /**
     * A run, with the operator's confirmation of how many copies it may delete.
     *
     * @param allowDeletes how many deletions the operator confirmed for this run; below 0, the configured brake
     * @throws RefusedException when the run would delete more than it may (nothing is deleted)
     */
    public Result prune(LifeboatConfig config, String databaseId, boolean dryRun, int allowDeletes) {
        LifeboatConfig.Database db = config.database(databaseId);
        Location backup = config.backup().location();
        Set<String> inUse = rds.databasesTagged(backup, db.source().kind(), Tags.VERIFICATION).stream()
                .map(d -> d.tags().get(Tags.VERIFYING_COPY))
                .filter(Objects::nonNull)
                .collect(Collectors.toSet());
        RetentionPolicy.Verdict v =
                RetentionPolicy.apply(db.retention(), copies(config, databaseId), clock.instant(), inUse);
        v.untrusted()
                .forEach((id, why) -> LOG.warn(
                        "{}: copy {} is not a retention candidate: {}; look into who made it", databaseId, id, why));
        int limit = allowDeletes >= 0 ? allowDeletes : db.retention().maxDeletesPerRun();
        boolean braked = v.delete().size() > limit;
        if (braked && !dryRun) {
            throw new RefusedException(
                    "retention of " + databaseId + " would delete " + v.delete().size() + " copies at once, more than"
                            + " the " + limit + " that normal aging deletes in a run; nothing was deleted",
                    "if a change of retention in lifeboat.yml explains it, check with `"
                            + Param.command("prune", Param.DATABASE, databaseId, Param.DRY_RUN) + "`, then run `"
                            + Param.command(
                                    "prune",
                                    Param.DATABASE,
                                    databaseId,
                                    Param.ALLOW_DELETES,
                                    v.delete().size())
                            + "` once; otherwise find out who changed the"
                            + " copies or the configuration");
        }
        for (SnapshotInfo s : v.delete()) {
            if (dryRun) {
                LOG.info("would delete {} (taken {})", s.id(), RetentionPolicy.takenAt(s));
            } else {
                rds.delete(backup, db.source().kind(), s.id());
                LOG.info("deleted {} (taken {})", s.id(), RetentionPolicy.takenAt(s));
            }
        }
        return new Result(databaseId, v.keep(), v.delete(), dryRun, v.untrusted(), braked);
    }
}
