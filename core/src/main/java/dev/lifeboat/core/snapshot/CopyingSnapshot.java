package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.error.CopyRejectedException;
import dev.lifeboat.core.error.KeyNotGrantedException;
import dev.lifeboat.core.error.QuotaReachedException;
import dev.lifeboat.core.error.SnapshotGoneException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.shape.ShapeRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances one snapshot run by one step: observe the run's snapshots in AWS, ask
 * {@link SnapshotPlanner} what to do, do it. Call it again until the status is DONE or FAILED; Step
 * Functions does so with a wait and backoff, the CLI's {@code --wait} in a loop. Safe to call twice at
 * once for the same run: identifiers are deterministic and "already exists" is progress.
 */
public final class CopyingSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(CopyingSnapshot.class);

    /**
     * Where the run stands after this step, and what this step did.
     *
     * @param planted the run failed on a snapshot under its name that is not its own ({@link Decision#planted})
     */
    public record Result(
            Decision.Status status,
            String message,
            RunProgress progress,
            List<Action> executed,
            Optional<SnapshotInfo> finalCopy,
            RdsGateway.Quota backupQuota,
            boolean planted) {
        public Result(
                Decision.Status status,
                String message,
                RunProgress progress,
                List<Action> executed,
                Optional<SnapshotInfo> finalCopy,
                RdsGateway.Quota backupQuota) {
            this(status, message, progress, executed, finalCopy, backupQuota, false);
        }
    }

    private final RdsGateway rds;
    private final DatabaseShapes shapes;
    private final Vault vault;

    /** A pipeline that records no shapes (tests of the copies alone). */
    public CopyingSnapshot(RdsGateway rds) {
        this(rds, null, null);
    }

    /**
     * A pipeline that records the source database's shape into {@code vault} when a run takes its source snapshot
     * (issue 14): what a restore needs to bring the database back as it was.
     */
    public CopyingSnapshot(RdsGateway rds, DatabaseShapes shapes, Vault vault) {
        this.rds = rds;
        this.shapes = shapes;
        this.vault = vault;
    }

    public Result advance(LifeboatConfig config, String databaseId, Instant scheduledAt, RunProgress progress) {
        LifeboatConfig.Database database = config.database(databaseId);
        SnapshotPlanner.Plan plan =
                new SnapshotPlanner.Plan(config.backup(), database, new SnapshotRun(databaseId, scheduledAt));
        RunProgress p = progress;
        List<Action> executed = new ArrayList<>();
        // At most two passes: a refused single-step copy is retried in two steps at once.
        for (int pass = 0; pass < 2; pass++) {
            Observed o = observe(plan);
            Decision d = SnapshotPlanner.decide(plan, o, p);
            p = d.progress();
            if (pass == 0 && takesTheSource(d)) {
                p = recordShape(plan, p);
            }
            try {
                for (Action a : d.actions()) {
                    execute(plan.kind(), a);
                    executed.add(a);
                }
            } catch (CopyRejectedException e) {
                if (database.snapshot().copyStrategy() == CopyStrategy.AUTO && !p.twoStep()) {
                    LOG.info("RDS refused the single-step copy ({}); copying in two steps", e.getMessage());
                    p = p.inTwoSteps()
                            .warn("single-step cross-account, cross-Region copy refused by RDS; used two steps");
                    continue;
                }
                return new Result(
                        Decision.Status.FAILED,
                        "RDS refused the copy: " + e.getMessage(),
                        p,
                        executed,
                        o.finalCopy(),
                        o.backupQuota());
            } catch (QuotaReachedException e) {
                // Another run took the last room between our observation and our call: wait in the queue.
                return new Result(
                        Decision.Status.IN_PROGRESS,
                        "queued: RDS refused for a quota (" + e.getMessage() + "); trying again once room is made",
                        p,
                        executed,
                        o.finalCopy(),
                        o.backupQuota());
            } catch (SnapshotGoneException e) {
                // Two invocations of one run raced (one cleaned up what the other was about to use): observe again.
                return new Result(
                        Decision.Status.IN_PROGRESS,
                        "the run's snapshots changed while acting (" + e.getMessage() + "); observing again",
                        p,
                        executed,
                        o.finalCopy(),
                        o.backupQuota());
            } catch (KeyNotGrantedException e) {
                return new Result(
                        Decision.Status.FAILED,
                        "account " + e.account() + " may not use KMS key " + e.keyArn() + " (" + e.getMessage()
                                + "), so RDS cannot copy with it. KMS needs both sides: the key's policy must allow"
                                + " account " + e.account() + ", and the calling role's own IAM policy must allow the"
                                + " key (for another account's key the key policy alone is not enough). The CDK app"
                                + " sets both for the keys lifeboat.yml names: check that the key is the one"
                                + " configured and that both stacks are deployed",
                        p,
                        executed,
                        o.finalCopy(),
                        o.backupQuota());
            }
            if (d.planted()) {
                LOG.warn("{} {}: {}", databaseId, d.status(), d.message());
            } else {
                LOG.info("{} {}: {}", databaseId, d.status(), d.message());
            }
            return new Result(d.status(), d.message(), p, executed, o.finalCopy(), o.backupQuota(), d.planted());
        }
        throw new IllegalStateException("unreachable: two passes always return");
    }

    private static boolean takesTheSource(Decision d) {
        return d.actions().stream()
                .anyMatch(a -> a instanceof Action.CreateSource
                        || (a instanceof Action.Copy c && c.purpose() == Action.Purpose.AUTOMATED_TO_MANUAL));
    }

    /**
     * Writes the database's shape beside the run's copy, once (a second invocation finds it written). A shape that
     * cannot be described or written does not stop the backup: the copy matters more, and the run says what is
     * missing in its warnings.
     */
    private RunProgress recordShape(SnapshotPlanner.Plan plan, RunProgress p) {
        if (shapes == null || vault == null) {
            return p;
        }
        LifeboatConfig.Database db = plan.database();
        try {
            Optional<DatabaseShape> shape = shapes.describe(
                    plan.sourceLocation(), plan.kind(), db.source().identifier(), db.id());
            if (shape.isEmpty()) {
                return p;
            }
            boolean written = ShapeRecords.record(vault, shape.get(), plan.run().finalId());
            LOG.info(
                    "{}: shape {} {}",
                    db.id(),
                    ShapeRecords.key(db.id(), plan.run().finalId()),
                    written ? "recorded" : "was recorded already");
            return p;
        } catch (RuntimeException e) {
            LOG.warn("{}: the database's shape was not recorded: {}", db.id(), e.getMessage());
            return p.warn("the database's shape was not recorded (" + e.getMessage()
                    + "); a restore of this copy uses the values given and RDS's defaults");
        }
    }

    Observed observe(SnapshotPlanner.Plan plan) {
        DbKind kind = plan.kind();
        SnapshotRun run = plan.run();
        Location source = plan.sourceLocation();
        boolean twoRegions = !plan.sameRegion();
        List<SnapshotInfo> automated = rds
                .snapshots(source, kind, plan.database().source().identifier())
                .stream()
                .filter(s -> "automated".equals(s.type()) && s.available() && s.createdAt() != null)
                .toList();
        Optional<SnapshotInfo> newestAutomated = automated.stream().max(Comparator.comparing(SnapshotInfo::createdAt));
        return new Observed(
                rds.database(source, kind, plan.database().source().identifier()),
                newestAutomated,
                rds.snapshot(source, kind, run.sourceId()),
                rds.snapshot(source, kind, run.shareId()),
                twoRegions ? rds.snapshot(plan.stagingLocation(), kind, run.stagingId()) : Optional.empty(),
                rds.snapshot(plan.backupLocation(), kind, run.finalId()),
                rds.copiesInProgress(plan.backupLocation(), kind),
                twoRegions ? rds.copiesInProgress(plan.stagingLocation(), kind) : 0,
                rds.manualSnapshotQuota(plan.backupLocation(), kind),
                automated);
    }

    private void execute(DbKind kind, Action a) {
        switch (a) {
            case Action.CreateSource c ->
                rds.createSnapshot(c.where(), kind, c.dbIdentifier(), c.snapshotId(), c.tags());
            case Action.Copy c ->
                rds.copySnapshot(
                        c.where(),
                        kind,
                        c.sourceArn(),
                        c.sourceRegion(),
                        c.targetId(),
                        c.kmsKeyId(),
                        c.optionGroup(),
                        c.tags());
            case Action.Share s -> rds.share(s.where(), kind, s.snapshotId(), s.account());
            case Action.Delete d -> rds.delete(d.where(), kind, d.snapshotId());
        }
        LOG.info("did {}", a);
    }
}
