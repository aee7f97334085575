package dev.lifeboat.core.restore;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.RestoreSpec;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import dev.lifeboat.protocol.Tags;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Restores a database from a snapshot copy in the backup account: the incident path.
 *
 * <p>Into the backup account and Region it is one call (fastest, no copy). Into another account or
 * Region: share the copy with the target account, copy it there with a key the target owns (through
 * the role the target account gives Lifeboat), then restore from that copy. Like the snapshot pipeline,
 * each call observes where the restore stands and takes the next step, so the CLI can follow it and a
 * Lambda can be invoked again.
 *
 * <p>Safety: the new identifier must not exist (an identifier this same restore created is recognised
 * by its tag and followed, not refused); nothing existing is modified or deleted; deletion protection is
 * on unless the caller turns it off; a dry run returns the plan, every call with its account, Region and
 * values, and changes nothing.
 */
public final class RestoringSnapshot {
    private static final Pattern RDS_ID = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    public static final String RESTORED_FROM = "lifeboat:restored-from";
    /** The instance class of a restored database when the operator gives none (the CLI's and the function's). */
    public static final String DEFAULT_INSTANCE_CLASS = "db.t4g.medium";

    /**
     * Where and how to restore. {@code account} and {@code region} null: the backup account and Region.
     * {@code kmsKeyArn}: the target's key, needed only to copy into another account or Region.
     */
    public record Target(
            String identifier,
            String account,
            String region,
            String instanceClass,
            String subnetGroup,
            List<String> securityGroups,
            String parameterGroup,
            String optionGroup,
            boolean multiAz,
            boolean deletionProtection,
            String kmsKeyArn) {
        public Target {
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
        }
    }

    /** {@code backup}: a copy's identifier, {@code latest}, or {@code before:2026-11-24T23:00:00Z}. */
    public record Command(String databaseId, String backup, Target target, boolean dryRun) {}

    /** One AWS call of the plan. */
    public record Call(String account, String region, String api, String detail) {
        @Override
        public String toString() {
            return account + " " + region + "  " + api + "  " + detail;
        }
    }

    public enum Status {
        PLANNED,
        IN_PROGRESS,
        AVAILABLE,
        FAILED
    }

    public record Result(
            Status status,
            String message,
            SnapshotInfo backup,
            List<Call> plan,
            List<Call> executed,
            Optional<SourceDatabase> restored) {}

    private final RdsGateway rds;

    public RestoringSnapshot(RdsGateway rds) {
        this.rds = rds;
    }

    public Result advance(LifeboatConfig config, Command c) {
        LifeboatConfig.Database db = config.database(c.databaseId());
        Target t = c.target();
        if (t.identifier() == null || !RDS_ID.matcher(t.identifier()).matches()) {
            throw new InvalidInputException(
                    "target identifier '" + t.identifier() + "' is not a valid RDS identifier",
                    "use 1 to 63 letters, digits and hyphens, starting with a letter, without '--' or a trailing '-'");
        }
        if (t.identifier().length() > RdsDatabases.maxIdentifier(db.source().kind())) {
            throw new InvalidInputException(
                    "target identifier '" + t.identifier() + "' has "
                            + t.identifier().length() + " characters; the"
                            + " cluster's writer instance (" + t.identifier() + RdsDatabases.WRITER_SUFFIX + ") would"
                            + " exceed RDS's " + RdsDatabases.MAX_IDENTIFIER,
                    "use at most " + RdsDatabases.maxIdentifier(db.source().kind()) + " characters for a cluster");
        }
        if (t.instanceClass() == null || !t.instanceClass().startsWith("db.")) {
            throw new InvalidInputException(
                    "instance class '" + t.instanceClass() + "' is not an RDS class",
                    "give one such as db.r6g.large or db.t4g.medium");
        }
        Location backupLoc = config.backup().location();
        Location target = new Location(
                t.account() == null ? backupLoc.account() : t.account(),
                t.region() == null ? backupLoc.region() : t.region());
        List<String> accounts = new ArrayList<>(List.of(backupLoc.account()));
        config.databases().values().forEach(d -> {
            if (!accounts.contains(d.source().account())) {
                accounts.add(d.source().account());
            }
        });
        if (!accounts.contains(target.account())) {
            throw new InvalidInputException(
                    "target account " + target.account() + " is not in the configuration",
                    "restore into one of: " + String.join(", ", accounts) + " (accounts Lifeboat has a role in)");
        }
        if (!REGION.matcher(target.region()).matches()) {
            throw new InvalidInputException(
                    "target region '" + target.region() + "' is not an AWS Region", "e.g. eu-west-1");
        }
        boolean elsewhere = !target.equals(backupLoc);
        if (elsewhere && t.kmsKeyArn() == null) {
            throw new InvalidInputException(
                    "restoring into " + target + " needs a copy of the backup there, encrypted with a key"
                            + " of that account and Region",
                    "pass the target's KMS key (--target-kms-key, or targetKmsKeyArn in the payload)");
        }
        DbKind kind = db.source().kind();
        SnapshotInfo backup = choose(config, c.databaseId(), c.backup());

        String localCopyId = "lifeboat-restore-" + backup.id().replaceFirst("^lifeboat-", "");
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.MANAGED_BY, "lifeboat");
        tags.put(Tags.DATABASE, c.databaseId());
        tags.put(RESTORED_FROM, backup.arn());
        RestoreSpec spec = new RestoreSpec(
                elsewhere ? localCopyId : backup.id(),
                t.identifier(),
                restoreEngine(db, backup),
                t.instanceClass(),
                t.subnetGroup(),
                t.securityGroups(),
                t.parameterGroup(),
                t.optionGroup(),
                t.multiAz(),
                t.deletionProtection(),
                tags);

        List<Call> plan = new ArrayList<>();
        if (elsewhere) {
            if (!target.account().equals(backupLoc.account())) {
                plan.add(new Call(
                        backupLoc.account(),
                        backupLoc.region(),
                        kind == DbKind.CLUSTER ? "ModifyDBClusterSnapshotAttribute" : "ModifyDBSnapshotAttribute",
                        backup.id() + " restore += " + target.account()));
            }
            plan.add(new Call(
                    target.account(),
                    target.region(),
                    kind == DbKind.CLUSTER ? "CopyDBClusterSnapshot" : "CopyDBSnapshot",
                    backup.arn() + " -> " + localCopyId + " KmsKeyId=" + t.kmsKeyArn()));
        }
        plan.add(new Call(
                target.account(),
                target.region(),
                kind == DbKind.CLUSTER ? "RestoreDBClusterFromSnapshot" : "RestoreDBInstanceFromDBSnapshot",
                describe(spec)));
        if (kind == DbKind.CLUSTER) {
            plan.add(new Call(
                    target.account(),
                    target.region(),
                    "CreateDBInstance",
                    t.identifier() + "-writer DBClusterIdentifier=" + t.identifier() + " DBInstanceClass="
                            + t.instanceClass()));
        }
        if (c.dryRun()) {
            return new Result(
                    Status.PLANNED, "dry run: nothing was changed", backup, plan, List.of(), Optional.empty());
        }

        List<Call> executed = new ArrayList<>();
        Optional<SourceDatabase> existing = rds.database(target, kind, t.identifier());
        if (existing.isPresent()) {
            if (!backup.arn().equals(existing.get().tags().get(RESTORED_FROM))) {
                throw new RefusedException(
                        "a database named " + t.identifier() + " already exists in " + target
                                + "; Lifeboat never reuses, modifies or deletes an existing one",
                        "choose a new --target-instance, e.g. " + t.identifier() + "-restored");
            }
            RestoredDatabases.Readiness r =
                    RestoredDatabases.observe(rds, target, kind, t.identifier(), t.instanceClass(), tags);
            return r.ready()
                    ? new Result(
                            Status.AVAILABLE,
                            t.identifier() + " is available at "
                                    + r.database().orElseThrow().endpoint(),
                            backup,
                            plan,
                            executed,
                            r.database())
                    : new Result(Status.IN_PROGRESS, r.status(), backup, plan, executed, r.database());
        }
        if (elsewhere) {
            Optional<SnapshotInfo> local = rds.snapshot(target, kind, localCopyId);
            if (local.isEmpty()) {
                if (!target.account().equals(backupLoc.account())
                        && !backup.sharedWith().contains(target.account())) {
                    rds.share(backupLoc, kind, backup.id(), target.account());
                    executed.add(plan.getFirst());
                }
                rds.copySnapshot(
                        target,
                        kind,
                        backup.arn(),
                        backupLoc.region(),
                        localCopyId,
                        t.kmsKeyArn(),
                        t.optionGroup(),
                        tags);
                executed.add(plan.get(plan.size() - (kind == DbKind.CLUSTER ? 3 : 2)));
                return new Result(
                        Status.IN_PROGRESS,
                        "copying " + backup.id() + " into " + target,
                        backup,
                        plan,
                        executed,
                        Optional.empty());
            }
            if (local.get().failed()) {
                return new Result(
                        Status.FAILED,
                        "the copy " + localCopyId + " into " + target + " ended "
                                + local.get().status()
                                + "; delete it and run again, or restore into the backup account",
                        backup,
                        plan,
                        executed,
                        Optional.empty());
            }
            if (!local.get().available()) {
                return new Result(
                        Status.IN_PROGRESS,
                        "copy " + localCopyId + " into " + target + " is "
                                + local.get().status(),
                        backup,
                        plan,
                        executed,
                        Optional.empty());
            }
        }
        SourceDatabase started = rds.restore(target, kind, spec);
        // A cluster's writer (the plan's last call) follows once the cluster is available (RestoredDatabases).
        executed.add(plan.get(plan.size() - (kind == DbKind.CLUSTER ? 2 : 1)));
        return new Result(
                Status.IN_PROGRESS,
                "restoring " + t.identifier() + " from " + spec.snapshotId() + " (" + started.status() + ")",
                backup,
                plan,
                executed,
                Optional.of(started));
    }

    /** The copy to restore: an identifier, the newest ("latest"), or the newest taken at or before a time. */
    public SnapshotInfo choose(LifeboatConfig config, String databaseId, String backup) {
        List<SnapshotInfo> copies = PruningSnapshots.copies(rds, config, databaseId).stream()
                .filter(SnapshotInfo::available)
                .toList();
        if (copies.isEmpty()) {
            throw new BackupNotFoundException(
                    "no available snapshot copy of " + databaseId + " in the backup account "
                            + config.backup().account() + " " + config.backup().region(),
                    "check lifeboat list --snapshots, or restore from a dump with --from dump");
        }
        String b = backup == null ? "latest" : backup.trim();
        if (b.equalsIgnoreCase("latest")) {
            return copies.getFirst();
        }
        if (b.toLowerCase(Locale.ROOT).startsWith("before:")) {
            Instant limit;
            try {
                limit = Instant.parse(b.substring("before:".length()));
            } catch (DateTimeParseException e) {
                throw new InvalidInputException(
                        "--backup '" + b + "' has no valid time", "use before:2026-11-24T23:00:00Z (UTC)");
            }
            return copies.stream()
                    .filter(s -> !RetentionPolicy.takenAt(s).isAfter(limit))
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "no copy of " + databaseId + " was taken at or before " + limit,
                            "the oldest is " + copies.getLast().id() + " (" + RetentionPolicy.takenAt(copies.getLast())
                                    + ")"));
        }
        return copies.stream()
                .filter(s -> s.id().equals(b))
                .findFirst()
                .orElseThrow(() -> new BackupNotFoundException(
                        "no copy named " + b + " of " + databaseId,
                        "choose one of: "
                                + String.join(
                                        ", ",
                                        copies.stream()
                                                .limit(10)
                                                .map(SnapshotInfo::id)
                                                .toList()) + (copies.size() > 10 ? ", ..." : "")
                                + "; or latest, or before:TIME"));
    }

    /** The engine to restore a copy with: the copy's own, else the configured engine's. */
    public static String restoreEngine(LifeboatConfig.Database db, SnapshotInfo backup) {
        return backup.engine() != null ? backup.engine() : db.engine().urlScheme();
    }

    private static String describe(RestoreSpec s) {
        return "DBInstanceIdentifier=" + s.newIdentifier() + " FromSnapshot=" + s.snapshotId() + " Engine=" + s.engine()
                + " DBInstanceClass=" + s.instanceClass()
                + " DBSubnetGroupName=" + orDefault(s.subnetGroup(), "(RDS default: the default VPC's subnet group)")
                + " VpcSecurityGroupIds="
                + (s.securityGroups().isEmpty()
                        ? "(RDS default: the VPC's default security group)"
                        : String.join(",", s.securityGroups()))
                + " DBParameterGroupName=" + orDefault(s.parameterGroup(), "(RDS default for the engine)")
                + " OptionGroupName=" + orDefault(s.optionGroup(), "(RDS default for the engine)")
                + " MultiAZ=" + s.multiAz() + " DeletionProtection=" + s.deletionProtection()
                + " PubliclyAccessible=false";
    }

    private static String orDefault(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
