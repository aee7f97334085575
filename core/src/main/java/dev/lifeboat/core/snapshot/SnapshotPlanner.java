package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot pipeline as a pure function: observed state in, next actions out. No AWS calls, no
 * clock: the same observation always gives the same decision, which is what makes every step
 * re-entrant and lets the whole pipeline be tested without AWS.
 *
 * <p>The steps, and the RDS rules each one respects:
 * <ol>
 *   <li>Source snapshot in the source account: create a manual one, or copy the newest automated one
 *       to a manual one. Automated snapshots cannot be shared; only manual ones can
 *       (RDS User Guide, "Sharing a DB snapshot", USER_ShareSnapshot.html).
 *   <li>Make it shareable: "You can't share a snapshot that has been encrypted using the default AWS KMS
 *       key" (USER_ShareSnapshot.html), so a snapshot whose key is not the configured customer managed
 *       share key is copied with that key first. Unencrypted snapshots are shared as they are, with a
 *       warning.
 *   <li>Share with the backup account only (the "restore" attribute). Never "all".
 *   <li>Copy into the backup account with its key. A cross-Region copy of an encrypted snapshot needs
 *       a KMS key of the destination Region (USER_CopySnapshot.html); where RDS refuses the single-step
 *       cross-account, cross-Region copy, the run copies within the source Region first (the backup
 *       account's staging key), then across Regions.
 *   <li>Tag every copy with its lineage.
 *   <li>Delete the intermediates only once the final copy is available.
 * </ol>
 * Copies are queued, not failed, at the copy concurrency limit ("up to 20 snapshot copy requests in
 * progress to a single destination Region per account", USER_CopySnapshot.html; the Aurora guide has
 * given five for cluster snapshots) and at the manual snapshot quota (100 per Region by default).
 */
public final class SnapshotPlanner {
    public static final int MAX_ATTEMPTS = 3;
    public static final int INSTANCE_COPY_LIMIT = 20;
    public static final int CLUSTER_COPY_LIMIT = 5;

    private SnapshotPlanner() {}

    /** The fixed facts of a run: configuration and identity. */
    public record Plan(LifeboatConfig.Backup backup, LifeboatConfig.Database database, SnapshotRun run) {
        Location sourceLocation() {
            return new Location(database.source().account(), database.source().region());
        }

        Location backupLocation() {
            return backup.location();
        }

        Location stagingLocation() {
            return new Location(backup.account(), database.source().region());
        }

        DbKind kind() {
            return database.source().kind();
        }

        int copyLimit() {
            return kind() == DbKind.CLUSTER ? CLUSTER_COPY_LIMIT : INSTANCE_COPY_LIMIT;
        }

        boolean sameRegion() {
            return backup.region().equals(database.source().region());
        }

        /** The backup account is the source account: nothing to share or re-encrypt, only copy across Regions. */
        boolean sameAccount() {
            return backup.account().equals(database.source().account());
        }
    }

    public static Decision decide(Plan plan, Observed o, RunProgress given) {
        // 0. Only what this run made is the run's (issue 37). Its names are predictable, and production can create
        // a snapshot under one of them before the run does, from another database: adopted, that junk would be
        // shared, copied and kept as the database's backup. A snapshot is the run's only if it was taken of the
        // database the run backs up (RDS's resource id, which no name can stand in for), is manual, and was made
        // after the run began. Anything else is refused as planted: nothing is copied from it, nothing deleted.
        String current =
                o.sourceDatabase().map(RdsGateway.SourceDatabase::resourceId).orElse(null);
        RunProgress progress = given.of(current);
        String resourceId = progress.sourceResourceId();
        Optional<Decision> planted = planted(plan, o, progress, resourceId);
        if (planted.isPresent()) {
            return planted.get();
        }
        // From the last step of the run back to the first: the furthest one observed says where the run stands.
        if (o.finalCopy().isPresent()) {
            return afterFinalCopy(plan, o, progress);
        }
        if (o.staging().isPresent()) {
            return afterStaging(plan, o, progress, resourceId);
        }
        if (o.source().isEmpty()) {
            return firstSource(plan, o, progress, resourceId);
        }
        SnapshotInfo source = o.source().get();
        if (source.failed()) {
            return retry(
                    progress,
                    "source snapshot " + source.id() + " ended " + source.status(),
                    new Action.Delete(plan.sourceLocation(), source.id(), "failed snapshot, to retry"));
        }
        if (!source.available()) {
            return Decision.waitFor(
                    "source snapshot " + source.id() + " is " + source.status() + " (" + source.percentProgress()
                            + "%)",
                    progress);
        }

        Shareable shareable = shareable(plan, o, progress, resourceId, source);
        if (shareable.next().isPresent()) {
            return shareable.next().get();
        }
        return shareAndCopy(plan, o, progress, resourceId, shareable.snapshot());
    }

    /** A snapshot under one of the run's names that is not the run's: refused as planted, nothing done. */
    private static Optional<Decision> planted(Plan plan, Observed o, RunProgress progress, String resourceId) {
        Instant oldestData = resourceId == null ? null : oldestDataOfTheRun(plan, o, resourceId);
        for (var found : List.of(o.source(), o.share(), o.staging(), o.finalCopy())) {
            if (found.isEmpty()) {
                continue;
            }
            if (resourceId == null) {
                return Optional.of(Decision.fail(
                        "snapshot " + found.get().id() + " is under this run's name, but the run never saw "
                                + kindName(plan) + " "
                                + plan.database().source().identifier()
                                + "'s resource id (it is gone, or RDS gave none), so it cannot tell whether the"
                                + " snapshot is its own; nothing was done. Restore from the newest backup copy"
                                + " (" + Param.command("list", Param.SNAPSHOTS) + ") if production was deleted",
                        progress));
            }
            String why = notTheRuns(plan, found.get(), resourceId, oldestData);
            if (why == null) {
                why = notCopiedByTheRun(plan, o, found.get(), resourceId, oldestData);
            }
            if (why != null) {
                return Optional.of(Decision.refusePlanted(
                        "snapshot " + found.get().id() + " in "
                                + found.get().location()
                                + " is under this run's name but is not the run's: " + why
                                + ". It is refused as planted and left as it is (nothing copied from it, nothing"
                                + " deleted); find out who made it (CloudTrail: CreateDBSnapshot, CopyDBSnapshot),"
                                + " delete it, and run again",
                        progress));
            }
        }

        return Optional.empty();
    }

    /** 6. The final copy exists: wait for it, retry it, or clean up after it. */
    private static Decision afterFinalCopy(Plan plan, Observed o, RunProgress progress) {
        SnapshotRun run = plan.run();
        SnapshotInfo fin = o.finalCopy().get();
        if (fin.available()) {
            List<Action> cleanup = new ArrayList<>();
            for (var i : List.of(o.source(), o.share(), o.staging())) {
                if (i.isPresent() && (i.get().available() || i.get().failed())) {
                    cleanup.add(
                            new Action.Delete(i.get().location(), i.get().id(), "intermediate of " + run.finalId()));
                } else if (i.isPresent()) {
                    return Decision.waitFor(
                            "waiting for intermediate " + i.get().id() + " ("
                                    + i.get().status() + ") before deleting it",
                            progress);
                }
            }
            if (cleanup.isEmpty()) {
                return new Decision(
                        Decision.Status.DONE,
                        List.of(),
                        "backup copy " + fin.id() + " is available in " + plan.backupLocation(),
                        progress);
            }
            return new Decision(Decision.Status.IN_PROGRESS, cleanup, "deleting intermediates", progress);
        }
        if (fin.failed()) {
            return retry(
                    progress,
                    "the copy into the backup account (" + fin.id() + ") ended " + fin.status(),
                    new Action.Delete(plan.backupLocation(), fin.id(), "failed copy, to retry"));
        }
        return Decision.waitFor(
                "copy " + fin.id() + " into " + plan.backupLocation() + " is " + fin.status() + " ("
                        + fin.percentProgress() + "%)",
                progress);
    }

    /** Two-step: the staging copy in the backup account, source Region, then across Regions from it. */
    private static Decision afterStaging(Plan plan, Observed o, RunProgress progress, String resourceId) {
        SnapshotRun run = plan.run();
        SnapshotInfo staging = o.staging().get();
        if (staging.failed()) {
            return retry(
                    progress,
                    "the staging copy " + staging.id() + " ended " + staging.status(),
                    new Action.Delete(plan.stagingLocation(), staging.id(), "failed copy, to retry"));
        }
        if (!staging.available()) {
            return Decision.waitFor("staging copy " + staging.id() + " is " + staging.status(), progress);
        }
        Optional<Decision> queued = queued(plan, o.copiesInProgressToBackupRegion(), o, progress);
        if (queued.isPresent()) {
            return queued.get();
        }
        return Decision.act(
                "copying " + staging.id() + " across Regions into " + plan.backupLocation(),
                progress,
                new Action.Copy(
                        plan.backupLocation(),
                        staging.arn(),
                        plan.stagingLocation().region(),
                        run.finalId(),
                        backupKeyFor(plan, staging),
                        plan.database().snapshot().optionGroup(),
                        tags(plan, staging, "backup", resourceId),
                        Action.Purpose.STAGING_TO_BACKUP));
    }

    /** 1. No source snapshot yet: create one, or copy the newest automated one, when the database is the run's. */
    private static Decision firstSource(Plan plan, Observed o, RunProgress progress, String resourceId) {
        SnapshotRun run = plan.run();
        if (o.sourceDatabase().isEmpty()) {
            return Decision.fail(
                    "source " + kindName(plan) + " "
                            + plan.database().source().identifier()
                            + " does not exist in " + plan.sourceLocation()
                            + "; if production was deleted, restore from the"
                            + " newest backup copy (" + Param.command("list", Param.SNAPSHOTS) + ")",
                    progress);
        }
        RdsGateway.SourceDatabase db = o.sourceDatabase().get();
        if (resourceId == null) {
            return Decision.fail(
                    "RDS gives no resource id for " + kindName(plan) + " " + db.identifier()
                            + ", so the run could not tell its own snapshots from planted ones; nothing was done",
                    progress);
        }
        if (!resourceId.equals(db.resourceId())) {
            return Decision.fail(
                    kindName(plan) + " " + db.identifier() + " in " + plan.sourceLocation()
                            + " is another database than the one this run began with (resource id "
                            + db.resourceId() + ", not " + resourceId
                            + "): it was deleted and made again under its name. The backup copies of the old one"
                            + " are kept; start a new run to back up the new one",
                    progress);
        }
        if (db.encrypted()
                && plan.database().source().shareKmsKeyArn() == null
                && !plan.sameAccount()
                && plan.database().snapshot().mode() == Mode.CREATE) {
            return Decision.fail(
                    kindName(plan) + " " + db.identifier() + " is encrypted with KMS key " + db.kmsKeyId()
                            + ", so its snapshots must be re-encrypted before they can be shared; set databases."
                            + plan.database().id() + ".source.shareKmsKeyArn to a customer managed key in "
                            + plan.sourceLocation()
                            + " whose key policy lets account "
                            + plan.backup().account() + " use it",
                    progress);
        }
        if (plan.database().snapshot().mode() == Mode.CREATE) {
            return Decision.act(
                    "creating source snapshot " + run.sourceId(),
                    progress,
                    new Action.CreateSource(
                            plan.sourceLocation(),
                            plan.database().source().identifier(),
                            run.sourceId(),
                            tags(plan, null, "source", resourceId)));
        }
        Optional<SnapshotInfo> automated =
                o.newestAutomated().filter(SnapshotInfo::available).filter(a -> resourceId.equals(a.resourceId()));
        if (automated.isEmpty()) {
            return Decision.fail(
                    "no available automated snapshot of "
                            + plan.database().source().identifier() + " in " + plan.sourceLocation()
                            + "; enable automated backups, or set snapshot.mode: create",
                    progress);
        }
        SnapshotInfo a = automated.get();
        String key =
                a.encrypted() && !plan.sameAccount() ? plan.database().source().shareKmsKeyArn() : null;
        if (a.encrypted() && key == null && !plan.sameAccount()) {
            return missingShareKey(plan, a, progress);
        }
        return Decision.act(
                "copying automated snapshot " + a.id() + " to " + run.sourceId(),
                progress,
                new Action.Copy(
                        plan.sourceLocation(),
                        a.arn(),
                        plan.sourceLocation().region(),
                        run.sourceId(),
                        key,
                        null, // the configured option group is the backup Region's (USER_CopySnapshot)
                        tags(plan, a, "source", resourceId),
                        Action.Purpose.AUTOMATED_TO_MANUAL));
    }

    /** The snapshot to share, or what to do first: re-encrypt it with the share key, wait for that, retry it. */
    private record Shareable(Optional<Decision> next, SnapshotInfo snapshot) {}

    /** 2. Make it shareable (not needed when the backup account is the source account: cross-Region only). */
    private static Shareable shareable(
            Plan plan, Observed o, RunProgress progress, String resourceId, SnapshotInfo source) {
        SnapshotRun run = plan.run();
        SnapshotInfo shareable = source;
        String shareKey = plan.database().source().shareKmsKeyArn();
        boolean sameAccount = plan.sameAccount();
        if (!sameAccount && source.encrypted() && !java.util.Objects.equals(source.kmsKeyId(), shareKey)) {
            if (shareKey == null) {
                return new Shareable(Optional.of(missingShareKey(plan, source, progress)), null);
            }
            if (o.share().isEmpty()) {
                return new Shareable(
                        Optional.of(Decision.act(
                                "re-encrypting " + source.id() + " with the share key",
                                progress,
                                new Action.Copy(
                                        plan.sourceLocation(),
                                        source.arn(),
                                        plan.sourceLocation().region(),
                                        run.shareId(),
                                        shareKey,
                                        null,
                                        tags(plan, source, "share", resourceId),
                                        Action.Purpose.REENCRYPT_WITH_SHARE_KEY))),
                        null);
            }
            SnapshotInfo share = o.share().get();
            if (share.failed()) {
                return new Shareable(
                        Optional.of(retry(
                                progress,
                                "re-encrypted copy " + share.id() + " ended " + share.status(),
                                new Action.Delete(plan.sourceLocation(), share.id(), "failed copy, to retry"))),
                        null);
            }
            if (!share.available()) {
                return new Shareable(
                        Optional.of(Decision.waitFor(
                                "re-encrypted copy " + share.id() + " is " + share.status(), progress)),
                        null);
            }
            shareable = share;
        }
        return new Shareable(Optional.empty(), shareable);
    }

    /** 3 and 4. Share, then copy into the backup account, in one step or two. */
    private static Decision shareAndCopy(
            Plan plan, Observed o, RunProgress progress, String resourceId, SnapshotInfo shareable) {
        SnapshotRun run = plan.run();
        boolean sameAccount = plan.sameAccount();
        RunProgress p = progress;
        String sourceOptionGroup =
                o.sourceDatabase().map(RdsGateway.SourceDatabase::optionGroup).orElse(null);
        if (sourceOptionGroup != null
                && !sourceOptionGroup.startsWith("default:")
                && plan.database().snapshot().optionGroup() == null
                && !plan.sameRegion()) {
            // USER_CopySnapshot: a snapshot with a non-default option group copied to another Region needs an
            // option group of the destination Region.
            p = p.warn("source uses option group " + sourceOptionGroup + "; set databases."
                    + plan.database().id()
                    + ".snapshot.optionGroup to an equivalent option group in "
                    + plan.backup().region()
                    + ", or restores of the copy will use the default one");
        }
        if (!shareable.encrypted() && !sameAccount) {
            p = p.warn(
                    "snapshot " + shareable.id() + " is not encrypted; it is shared with the backup account as it is."
                            + " Encrypt the source database to protect its backups at rest");
        }

        // 3 and 4. Share, then copy into the backup account.
        List<Action> actions = new ArrayList<>();
        String backupAccount = plan.backup().account();
        if (!sameAccount && !shareable.sharedWith().contains(backupAccount)) {
            actions.add(new Action.Share(plan.sourceLocation(), shareable.id(), backupAccount));
        }
        // An Aurora cluster snapshot shared from another account is copied across Regions in two steps from the
        // start (issue 36, item 12): the Aurora guide gives no single step for it, so AUTO does not try one and wait
        // for a refusal whose wording was guessed.
        boolean clusterFromAnotherAccount = plan.kind() == DbKind.CLUSTER && !sameAccount;
        boolean twoStep = !plan.sameRegion()
                && (plan.database().snapshot().copyStrategy() == CopyStrategy.TWO_STEP
                        || (plan.database().snapshot().copyStrategy() == CopyStrategy.AUTO
                                && (p.twoStep() || clusterFromAnotherAccount)));
        Optional<Decision> queued =
                queued(plan, twoStep ? o.copiesInProgressToStagingRegion() : o.copiesInProgressToBackupRegion(), o, p);
        if (queued.isPresent()) {
            Decision q = queued.get();
            return new Decision(q.status(), actions, q.message(), q.progress());
        }
        if (twoStep) {
            String staging = plan.database().snapshot().stagingKmsKeyArn();
            if (staging == null) {
                return Decision.fail(
                        "RDS refused the single-step copy into " + plan.backupLocation()
                                + ", and the two-step copy needs snapshot.stagingKmsKeyArn: the backup account's KMS key in "
                                + plan.sourceLocation().region(),
                        p);
            }
            actions.add(new Action.Copy(
                    plan.stagingLocation(),
                    shareable.arn(),
                    plan.sourceLocation().region(),
                    run.stagingId(),
                    plan.kind() == DbKind.CLUSTER && !shareable.encrypted() ? null : staging,
                    null,
                    tags(plan, shareable, "staging", resourceId),
                    Action.Purpose.INTO_STAGING));
            return new Decision(
                    Decision.Status.IN_PROGRESS,
                    actions,
                    "copying " + shareable.id() + " into " + plan.stagingLocation() + " (first of two steps)",
                    p);
        }
        actions.add(new Action.Copy(
                plan.backupLocation(),
                shareable.arn(),
                plan.sourceLocation().region(),
                run.finalId(),
                backupKeyFor(plan, shareable),
                plan.database().snapshot().optionGroup(),
                tags(plan, shareable, "backup", resourceId),
                Action.Purpose.INTO_BACKUP_SINGLE_STEP));
        return new Decision(
                Decision.Status.IN_PROGRESS,
                actions,
                "copying " + shareable.id() + " into " + plan.backupLocation(),
                p);
    }

    /**
     * The key the copy into the backup Region is encrypted with: the backup key, except for an unencrypted Aurora
     * cluster snapshot, whose copy cannot be encrypted ("If you copy an unencrypted DB cluster snapshot and specify
     * a value for the KmsKeyId parameter, an error is returned":
     * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBClusterSnapshot.html). A DB snapshot's
     * copy can be (API_CopyDBSnapshot.html, KmsKeyId).
     */
    private static String backupKeyFor(Plan plan, SnapshotInfo from) {
        return plan.kind() == DbKind.CLUSTER && !from.encrypted()
                ? null
                : plan.backup().kmsKeyArn();
    }

    /** Queue instead of failing at the copy concurrency limit or the snapshot quota. */
    private static Optional<Decision> queued(Plan plan, int inProgress, Observed o, RunProgress progress) {
        if (inProgress >= plan.copyLimit()) {
            return Optional.of(Decision.waitFor(
                    "queued: " + inProgress + " snapshot copies already in progress into "
                            + plan.backupLocation().account() + " (RDS allows " + plan.copyLimit() + ")",
                    progress));
        }
        RdsGateway.Quota q = o.backupQuota();
        if (q != null && q.max() > 0 && q.used() >= q.max()) {
            return Optional.of(Decision.waitFor(
                    "queued: the backup account holds " + q.used() + " of its " + q.max() + " manual snapshots in "
                            + plan.backup().region() + "; retention must free room, or raise the quota",
                    progress.warn("manual snapshot quota reached in " + plan.backupLocation())));
        }
        return Optional.empty();
    }

    private static Decision retry(RunProgress progress, String what, Action delete) {
        if (progress.attempts() + 1 >= MAX_ATTEMPTS) {
            return Decision.fail(
                    what + " " + MAX_ATTEMPTS + " times; the failed snapshot is kept for inspection."
                            + " Check the RDS events of the account, then run again",
                    progress);
        }
        RunProgress next = progress.retried();
        return Decision.act(
                what + "; retrying (attempt " + (next.attempts() + 1) + " of " + MAX_ATTEMPTS + ")", next, delete);
    }

    private static Decision missingShareKey(Plan plan, SnapshotInfo s, RunProgress progress) {
        return Decision.fail(
                "snapshot " + s.id() + " is encrypted with KMS key " + s.kmsKeyId() + ", which cannot be shared"
                        + " (the AWS managed aws/rds key never can); set databases."
                        + plan.database().id()
                        + ".source.shareKmsKeyArn to a customer managed key in " + plan.sourceLocation()
                        + " whose key policy lets account " + plan.backup().account() + " use it",
                progress);
    }

    /** RDS's clock and the schedule's may differ a little; a snapshot made this long before the run is still its. */
    static final Duration SKEW = Duration.ofMinutes(5);

    /**
     * Why a snapshot under one of the run's names is not the run's, or null when it is: it must be of the run's
     * database (RDS's resource id, set by RDS and kept by every copy), manual, and made after the run began. RDS's
     * SnapshotCreateTime "changes for the copy when the snapshot is copied" (API_DBSnapshot.html), so every hop of
     * the run has its own. A name, an ARN (made of the name) or a tag proves nothing: production chooses them.
     */
    static String notTheRuns(Plan plan, SnapshotInfo s, String resourceId, Instant oldestData) {
        if (s.resourceId() == null) {
            return "RDS gives no resource id for it, so it cannot be told from a snapshot of another database";
        }
        if (!resourceId.equals(s.resourceId())) {
            return "it was taken of another database (resource id " + s.resourceId() + ", not " + resourceId + ")";
        }
        if (!"manual".equals(s.type())) {
            return "it is a " + s.type() + " snapshot, and every snapshot the run makes is manual";
        }
        Instant began = plan.run().scheduledAt().minus(SKEW);
        if (s.createdAt() != null && s.createdAt().isBefore(began)) {
            return "it was created at " + s.createdAt() + ", before the run began ("
                    + plan.run().scheduledAt() + ")";
        }
        // A copy's SnapshotCreateTime is the copy's, so a copy of an old snapshot of the run's database, made under the
        // run's name after the run began, passes the check above; its OriginalSnapshotCreateTime, kept by every copy,
        // is the old one (DB snapshots only: RDS gives none for cluster snapshots).
        if (s.originalCreatedAt() != null
                && oldestData != null
                && s.originalCreatedAt().isBefore(oldestData)) {
            return "its data was taken at " + s.originalCreatedAt()
                    + " (RDS's OriginalSnapshotCreateTime, which every copy keeps), older than any the run copies ("
                    + oldestData + "): it is a copy of an old snapshot";
        }
        if (s.createdAt() == null && (s.available() || s.failed())) {
            return "RDS gives no creation time for it, so it cannot be told from one made before the run";
        }
        return null;
    }

    /**
     * Why a cluster snapshot in the source account under the run's name was not copied by the run, or null. RDS gives
     * a cluster snapshot no OriginalSnapshotCreateTime, and a copy's SnapshotCreateTime is the copy's, so a copy of an
     * old snapshot of the run's cluster, made under the run's name after the run began, passes {@link #notTheRuns}.
     * RDS names what a cluster snapshot was copied from (SourceDBClusterSnapshotArn), and that tells: the run's source
     * snapshot is taken by RDS (create) or copied from a recent automated snapshot of its cluster (copy-automated); its
     * share copy is copied from the run's source snapshot, after it was made.
     */
    static String notCopiedByTheRun(Plan plan, Observed o, SnapshotInfo s, String resourceId, Instant oldestData) {
        String from = s.copiedFrom();
        if (from == null || !s.location().equals(plan.sourceLocation())) {
            return null;
        }
        SnapshotRun run = plan.run();
        if (s.id().equals(run.sourceId())) {
            if (plan.database().snapshot().mode() != Mode.COPY_AUTOMATED) {
                return "it is a copy of " + from + ", and the run takes its snapshot of the database itself";
            }
            boolean recentAutomated = o.automated().stream()
                    .anyMatch(a -> a.arn().equals(from)
                            && resourceId.equals(a.resourceId())
                            && RetentionPolicy.takenAt(a) != null
                            && !RetentionPolicy.takenAt(a).isBefore(oldestData));
            return recentAutomated
                    ? null
                    : "it is a copy of " + from
                            + ", not of a recent automated snapshot of the database (none older than " + oldestData
                            + ")";
        }
        if (s.id().equals(run.shareId()) && o.source().isPresent()) {
            SnapshotInfo source = o.source().get();
            if (!from.equals(source.arn())) {
                return "it is a copy of " + from + ", not of the run's snapshot " + source.arn();
            }
            if (s.createdAt() != null
                    && source.createdAt() != null
                    && s.createdAt().isBefore(source.createdAt())) {
                return "it was copied at " + s.createdAt() + ", before the run's snapshot " + source.id()
                        + " was made (" + source.createdAt() + "): from an earlier snapshot under that name";
            }
        }
        return null;
    }

    /**
     * How old the data of the run's snapshots may be. A run that creates its snapshot takes the data after it began. A
     * copy-automated run copies the newest available automated snapshot of its database, whose data is older than the
     * run: while RDS's backup window makes the next one, the run may have copied the one before, so the second newest
     * automated snapshot taken before the run began is the oldest whose data the run may carry (at most one backup
     * cycle old). With none taken before the run, the run copied one taken after it began.
     */
    static Instant oldestDataOfTheRun(Plan plan, Observed o, String resourceId) {
        Instant began = plan.run().scheduledAt().minus(SKEW);
        if (plan.database().snapshot().mode() != Mode.COPY_AUTOMATED) {
            return began;
        }
        List<Instant> before = o.automated().stream()
                .filter(a -> resourceId.equals(a.resourceId()))
                .map(RetentionPolicy::takenAt)
                .filter(t -> t != null && !t.isAfter(plan.run().scheduledAt().plus(SKEW)))
                .sorted(java.util.Comparator.reverseOrder())
                .toList();
        if (before.isEmpty()) {
            return began;
        }
        return before.get(Math.min(1, before.size() - 1)).minus(SKEW);
    }

    private static String kindName(Plan plan) {
        return plan.kind() == DbKind.CLUSTER ? "DB cluster" : "DB instance";
    }

    static Map<String, String> tags(Plan plan, SnapshotInfo from, String role, String resourceId) {
        Map<String, String> t = new HashMap<>();
        t.put(Tags.MANAGED_BY, "lifeboat");
        t.put(Tags.DATABASE, plan.database().id());
        t.put(Tags.SOURCE_ACCOUNT, plan.database().source().account());
        t.put(Tags.SOURCE_REGION, plan.database().source().region());
        t.put(Tags.SOURCE_IDENTIFIER, plan.database().source().identifier());
        t.put(Tags.RUN, plan.run().runTag());
        t.put(Tags.ROLE, role);
        if (resourceId != null) {
            t.put(Tags.SOURCE_RESOURCE_ID, resourceId);
        }
        if (from != null) {
            // For people reading the console: RDS's own time, never the source's tag (production writes those).
            // Retention reads RDS's timestamps of the copy itself (RetentionPolicy.takenAt), not this tag.
            Instant taken = from.originalCreatedAt() != null ? from.originalCreatedAt() : from.createdAt();
            if (taken != null) {
                t.put(Tags.SOURCE_SNAPSHOT_TIME, taken.toString());
            }
            if (from.engine() != null) {
                t.put(Tags.ENGINE, from.engine());
            }
            if (from.engineVersion() != null) {
                t.put(Tags.ENGINE_VERSION, from.engineVersion());
            }
        }
        return t;
    }
}
