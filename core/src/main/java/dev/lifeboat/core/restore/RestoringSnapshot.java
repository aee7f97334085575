package dev.lifeboat.core.restore;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.RdsGateway.RestoreSpec;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.shape.RestoreShape;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Tags;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /**
     * Where and how to restore. {@code account} and {@code region} null: the backup account and Region.
     * {@code kmsKeyArn}: the target's key, needed only to copy into another account or Region. Every other value null
     * (or empty): the shape recorded with the backup, else RDS's default; {@code noShape} ignores the record.
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
            Boolean multiAz,
            boolean deletionProtection,
            String kmsKeyArn,
            boolean createNetwork,
            List<String> subnets,
            Set<String> dropParameters,
            boolean noShape) {
        public Target {
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
            subnets = subnets == null ? List.of() : List.copyOf(subnets);
            dropParameters = dropParameters == null ? Set.of() : Set.copyOf(dropParameters);
        }

        /** A target without network creation, dropped parameters or --no-shape. */
        public Target(
                String identifier,
                String account,
                String region,
                String instanceClass,
                String subnetGroup,
                List<String> securityGroups,
                String parameterGroup,
                String optionGroup,
                Boolean multiAz,
                boolean deletionProtection,
                String kmsKeyArn) {
            this(
                    identifier,
                    account,
                    region,
                    instanceClass,
                    subnetGroup,
                    securityGroups,
                    parameterGroup,
                    optionGroup,
                    multiAz,
                    deletionProtection,
                    kmsKeyArn,
                    false,
                    List.of(),
                    Set.of(),
                    false);
        }

        /** The new instance a snapshot restore asks for. */
        public static Target of(dev.lifeboat.protocol.request.SnapshotRestore r) {
            return new Target(
                    r.targetInstance(),
                    r.targetAccount(),
                    r.targetRegion(),
                    r.instanceClass(),
                    r.subnetGroup(),
                    r.securityGroups(),
                    r.parameterGroup(),
                    r.optionGroup(),
                    r.multiAz(),
                    r.deletionProtection(),
                    r.targetKmsKeyArn(),
                    r.createNetwork(),
                    r.subnets(),
                    Set.copyOf(r.dropParameters()),
                    r.noShape());
        }

        /** The empty instance a restore into a new instance makes: always in the recorded shape, never copied. */
        public static Target of(dev.lifeboat.protocol.request.NewInstanceRestore r) {
            return new Target(
                    r.createInstance(),
                    r.targetAccount(),
                    r.targetRegion(),
                    r.instanceClass(),
                    r.subnetGroup(),
                    r.securityGroups(),
                    r.parameterGroup(),
                    r.optionGroup(),
                    r.multiAz(),
                    r.deletionProtection(),
                    null,
                    r.createNetwork(),
                    r.subnets(),
                    Set.copyOf(r.dropParameters()),
                    false);
        }

        RestoreShape.Overrides overrides() {
            return new RestoreShape.Overrides(
                    instanceClass,
                    subnetGroup,
                    securityGroups,
                    parameterGroup,
                    optionGroup,
                    multiAz,
                    createNetwork,
                    subnets,
                    dropParameters);
        }
    }

    /** {@code backup}: a copy's identifier, {@code latest}, or {@code before:2026-11-24T23:00:00Z}. */
    public record Command(String databaseId, String backup, Target target, boolean dryRun) {
        /** The command a snapshot restore request asks for, whichever front end it came from. */
        public static Command of(dev.lifeboat.protocol.request.SnapshotRestore r) {
            return new Command(r.database(), r.backup(), Target.of(r), r.dryRun());
        }
    }

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

    /**
     * Where the restore stands. {@code choices}: every value of the new database and where it came from (recorded,
     * given, created, default); {@code notes}: what the operator should know (groups recreated, rules not recreated,
     * settings to turn on afterwards). Both empty when following a restore started earlier.
     */
    public record Result(
            Status status,
            String message,
            SnapshotInfo backup,
            List<Call> plan,
            List<Call> executed,
            Optional<SourceDatabase> restored,
            List<RestoreShape.Choice> choices,
            List<String> notes,
            Optional<RecoveryLog.Entry> recovery) {
        public Result {
            choices = choices == null ? List.of() : List.copyOf(choices);
            notes = notes == null ? List.of() : List.copyOf(notes);
            recovery = recovery == null ? Optional.empty() : recovery;
        }

        public Result(
                Status status,
                String message,
                SnapshotInfo backup,
                List<Call> plan,
                List<Call> executed,
                Optional<SourceDatabase> restored,
                List<RestoreShape.Choice> choices,
                List<String> notes) {
            this(status, message, backup, plan, executed, restored, choices, notes, Optional.empty());
        }
    }

    private final RdsGateway rds;
    private final DatabaseShapes shapes;
    private final Vault vault;
    private final Clock clock;
    private final RecoveryLog log;

    /** Restores with the values given and RDS's defaults for the rest: no shape record is read. */
    public RestoringSnapshot(RdsGateway rds, Clock clock) {
        this(rds, null, null, clock);
    }

    /** Restores to the shape recorded in {@code vault} with each backup, found or recreated through {@code shapes}. */
    public RestoringSnapshot(RdsGateway rds, DatabaseShapes shapes, Vault vault, Clock clock) {
        this.rds = rds;
        this.shapes = shapes;
        this.vault = vault;
        this.clock = clock;
        this.log = new RecoveryLog(vault);
    }

    /**
     * One step of the restore: observe where it stands (the backup, a database of the target's name, the copy in the
     * target's account and Region), {@link #decide} what comes next (pure), and do it.
     */
    public Result advance(LifeboatConfig config, Command c) {
        LifeboatConfig.Database db = config.database(c.databaseId());
        Target t = c.target();
        Location backupLoc = config.backup().location();
        Location target = where(config, c);
        boolean elsewhere = !target.equals(backupLoc);
        DbKind kind = db.source().kind();
        SnapshotInfo backup = choose(config, c.databaseId(), c.backup());

        String localCopyId = "lifeboat-restore-" + backup.id().replaceFirst("^lifeboat-", "");
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.MANAGED_BY, "lifeboat");
        tags.put(Tags.DATABASE, c.databaseId());
        tags.put(RESTORED_FROM, backup.arn());
        tags.put(RestoreShape.RESTORE_TAG, t.identifier());

        Optional<SourceDatabase> existing = c.dryRun() ? Optional.empty() : rds.database(target, kind, t.identifier());
        boolean ours = existing.isPresent()
                && backup.arn().equals(existing.get().tags().get(RESTORED_FROM));
        Step first = decide(c.dryRun(), existing.isPresent(), ours, elsewhere, Optional.empty());
        if (first == Step.REFUSE_EXISTING) {
            throw new RefusedException(
                    "a database named " + t.identifier() + " already exists in " + target
                            + "; Lifeboat never reuses, modifies or deletes an existing one",
                    "choose a new " + Param.TARGET_INSTANCE + ", e.g. " + t.identifier() + "-restored");
        }
        if (first == Step.FOLLOW) {
            return follow(c, t, target, kind, backup, tags);
        }

        Optional<DatabaseShape> shape = shape(t, c.databaseId(), backup);
        RestoreShape.Resolved resolved = RestoreShape.resolve(
                shape,
                t.overrides(),
                new RestoreShape.Into(
                        target, kind, t.identifier(), tags, target.account().equals(backupLoc.account())),
                shapes,
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        List<String> notes = new ArrayList<>(resolved.notes());
        if (t.noShape()) {
            notes.addFirst(Param.NO_SHAPE + ": the recorded shape is not used");
        }
        RestoreSpec spec = new RestoreSpec(
                elsewhere ? localCopyId : backup.id(),
                t.identifier(),
                restoreEngine(db, backup),
                resolved.instanceClass(),
                resolved.subnetGroup(),
                resolved.securityGroups(),
                resolved.parameterGroup(),
                resolved.optionGroup(),
                resolved.multiAz(),
                t.deletionProtection(),
                resolved.tags(),
                resolved.shaped());
        Plan plan = plan(backupLoc, target, kind, backup, localCopyId, t, resolved, spec);
        List<RestoreShape.Choice> choices = resolved.choices();
        if (first == Step.PLANNED) {
            return new Result(
                    Status.PLANNED,
                    "dry run: nothing was changed",
                    backup,
                    plan.calls(),
                    List.of(),
                    Optional.empty(),
                    choices,
                    notes);
        }

        List<Call> executed = new ArrayList<>();
        // The restore's recovery time starts here (write-once: a later call of the same restore keeps this start).
        log.mark(c.databaseId(), t.identifier(), backup.id(), RecoveryLog.Phase.PLAN, clock.instant());
        Optional<SnapshotInfo> local = elsewhere ? rds.snapshot(target, kind, localCopyId) : Optional.empty();
        switch (decide(false, false, false, elsewhere, local)) {
            case COPY -> {
                log.mark(c.databaseId(), t.identifier(), backup.id(), RecoveryLog.Phase.COPY, clock.instant());
                if (!target.account().equals(backupLoc.account())
                        && !backup.sharedWith().contains(target.account())) {
                    rds.share(backupLoc, kind, backup.id(), target.account());
                    executed.add(plan.calls().getFirst());
                }
                rds.copySnapshot(
                        target,
                        kind,
                        backup.arn(),
                        backupLoc.region(),
                        localCopyId,
                        t.kmsKeyArn(),
                        resolved.optionGroup(),
                        tags);
                executed.add(plan.calls().get(plan.copyCall()));
                return new Result(
                        Status.IN_PROGRESS,
                        "copying " + backup.id() + " into " + target,
                        backup,
                        plan.calls(),
                        executed,
                        Optional.empty(),
                        choices,
                        notes);
            }
            case COPY_FAILED -> {
                return new Result(
                        Status.FAILED,
                        "the copy " + localCopyId + " into " + target + " ended "
                                + local.orElseThrow().status()
                                + "; delete it and run again, or restore into the backup account",
                        backup,
                        plan.calls(),
                        executed,
                        Optional.empty(),
                        choices,
                        notes);
            }
            case COPY_RUNNING -> {
                return new Result(
                        Status.IN_PROGRESS,
                        "copy " + localCopyId + " into " + target + " is "
                                + local.orElseThrow().status(),
                        backup,
                        plan.calls(),
                        executed,
                        Optional.empty(),
                        choices,
                        notes);
            }
            default -> {
                // RESTORE: the snapshot to restore from is there.
            }
        }
        log.mark(c.databaseId(), t.identifier(), backup.id(), RecoveryLog.Phase.INSTANCE, clock.instant());
        if (resolved.newParameterGroup().isPresent()
                || resolved.newOptionGroup().isPresent()
                || resolved.newNetwork().isPresent()) {
            List<String> groups = resolved.create(shapes, target, kind, creationTags(c.databaseId(), t.identifier()));
            executed.addAll(plan.calls().subList(plan.copyCall() + 1, plan.restoreCall()));
            spec = spec.withSecurityGroups(groups);
        }
        SourceDatabase started = rds.restore(target, kind, spec);
        // A cluster's writer (the plan's last call) follows once the cluster is available (RestoredDatabases).
        executed.add(plan.calls().get(plan.restoreCall()));
        return new Result(
                Status.IN_PROGRESS,
                "restoring " + t.identifier() + " from " + spec.snapshotId() + " (" + started.status() + ")",
                backup,
                plan.calls(),
                executed,
                Optional.of(started),
                choices,
                notes);
    }

    /** The steps of a restore, in the order {@link #decide} takes them. */
    enum Step {
        /** A dry run: the plan, nothing called. */
        PLANNED,
        /** A database of the target's name that this restore did not make: refused, nothing changed. */
        REFUSE_EXISTING,
        /** The database this restore made earlier: follow it to its endpoint. */
        FOLLOW,
        /** Into another account or Region, no copy there yet: share and copy. */
        COPY,
        /** The copy there failed. */
        COPY_FAILED,
        /** The copy there is still being made. */
        COPY_RUNNING,
        /** The snapshot to restore from is there: create what the shape needs, then restore. */
        RESTORE
    }

    /**
     * What a restore does next, from what was observed; no call is made. {@code existing}: a database of the target's
     * name exists, {@code ours}: tagged as restored from this backup; {@code local}: the copy in the target's account
     * and Region, when {@code elsewhere} and it has been looked for.
     */
    static Step decide(
            boolean dryRun, boolean existing, boolean ours, boolean elsewhere, Optional<SnapshotInfo> local) {
        if (dryRun) {
            return Step.PLANNED;
        }
        if (existing) {
            return ours ? Step.FOLLOW : Step.REFUSE_EXISTING;
        }
        if (!elsewhere) {
            return Step.RESTORE;
        }
        if (local.isEmpty()) {
            return Step.COPY;
        }
        if (local.get().failed()) {
            return Step.COPY_FAILED;
        }
        return local.get().available() ? Step.RESTORE : Step.COPY_RUNNING;
    }

    /** A restore made earlier by this same request: where it stands, its recovery time once it is available. */
    private Result follow(
            Command c, Target t, Location target, DbKind kind, SnapshotInfo backup, Map<String, String> tags) {
        String writerClass = t.instanceClass() != null
                ? t.instanceClass()
                : shape(t, c.databaseId(), backup)
                        .map(DatabaseShape::writerClass)
                        .orElse(RestoreShape.DEFAULT_INSTANCE_CLASS);
        RestoredDatabases.Readiness r = RestoredDatabases.observe(rds, target, kind, t.identifier(), writerClass, tags);
        List<Call> following = List.of(
                new Call(target.account(), target.region(), "(following)", t.identifier() + " restored earlier"));
        return r.ready()
                ? new Result(
                        Status.AVAILABLE,
                        t.identifier() + " is available at "
                                + r.database().orElseThrow().endpoint(),
                        backup,
                        following,
                        List.of(),
                        r.database(),
                        List.of(),
                        List.of(),
                        log.finish(c.databaseId(), "snapshot", t.identifier(), backup.id(), clock.instant()))
                : new Result(
                        Status.IN_PROGRESS,
                        r.status(),
                        backup,
                        following,
                        List.of(),
                        r.database(),
                        List.of(),
                        List.of());
    }

    /**
     * Where the restore goes (the backup account and Region unless the target names others), its values checked
     * before anything is read: the identifier, the class, the account (one Lifeboat has a role in), the Region, and
     * a key for a copy elsewhere. Pure.
     */
    static Location where(LifeboatConfig config, Command c) {
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
        if (t.instanceClass() != null && !t.instanceClass().startsWith("db.")) {
            throw new InvalidInputException(
                    "instance class '" + t.instanceClass() + "' is not an RDS class",
                    "give one such as db.r6g.large or db.t4g.medium, or leave it out to use the recorded class");
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
                    "pass the target's KMS key (" + Param.TARGET_KMS_KEY + ")");
        }
        return target;
    }

    /** Every call of the restore, in order, and where the copy and the restore are in it. */
    record Plan(List<Call> calls, int copyCall, int restoreCall) {}

    /** The plan of a restore, from the values resolved; pure. */
    static Plan plan(
            Location backupLoc,
            Location target,
            DbKind kind,
            SnapshotInfo backup,
            String localCopyId,
            Target t,
            RestoreShape.Resolved resolved,
            RestoreSpec spec) {
        boolean elsewhere = !target.equals(backupLoc);
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
        int copyCall = plan.size() - 1;
        resolved.newParameterGroup().ifPresent(p -> {
            plan.add(new Call(
                    target.account(),
                    target.region(),
                    kind == DbKind.CLUSTER ? "CreateDBClusterParameterGroup" : "CreateDBParameterGroup",
                    p.name() + " Family=" + p.family()));
            for (int i = 0; i < p.parameters().size(); i += RestoreShape.PARAMETERS_PER_CALL) {
                var batch = p.parameters()
                        .subList(i, Math.min(p.parameters().size(), i + RestoreShape.PARAMETERS_PER_CALL));
                plan.add(new Call(
                        target.account(),
                        target.region(),
                        kind == DbKind.CLUSTER ? "ModifyDBClusterParameterGroup" : "ModifyDBParameterGroup",
                        p.name() + " "
                                + String.join(
                                        " ",
                                        batch.stream()
                                                .map(x -> x.name() + "=" + x.value())
                                                .toList())));
            }
        });
        resolved.newOptionGroup().ifPresent(g -> {
            plan.add(new Call(
                    target.account(),
                    target.region(),
                    "CreateOptionGroup",
                    g.name() + " EngineName=" + g.engine() + " MajorEngineVersion=" + g.majorVersion()));
            if (!g.options().isEmpty()) {
                plan.add(new Call(
                        target.account(),
                        target.region(),
                        "ModifyOptionGroup",
                        g.name() + " OptionsToInclude="
                                + String.join(
                                        ",",
                                        g.options().stream().map(x -> x.name()).toList())));
            }
        });
        resolved.newNetwork().ifPresent(n -> {
            plan.add(new Call(
                    target.account(),
                    target.region(),
                    "CreateDBSubnetGroup",
                    n.subnetGroup() + " SubnetIds=" + String.join(",", n.subnets())));
            for (RestoreShape.NewSecurityGroup g : n.securityGroups()) {
                plan.add(new Call(
                        target.account(),
                        target.region(),
                        "CreateSecurityGroup",
                        g.name() + " VpcId=" + n.vpcId() + " (as " + g.recordedId() + ": "
                                + g.ingress().size() + " ingress, " + g.egress().size() + " egress rule(s))"));
            }
        });
        plan.add(new Call(
                target.account(),
                target.region(),
                kind == DbKind.CLUSTER ? "RestoreDBClusterFromSnapshot" : "RestoreDBInstanceFromDBSnapshot",
                describe(spec)));
        int restoreCall = plan.size() - 1;
        if (kind == DbKind.CLUSTER) {
            plan.add(new Call(
                    target.account(),
                    target.region(),
                    "CreateDBInstance",
                    t.identifier() + "-writer DBClusterIdentifier=" + t.identifier() + " DBInstanceClass="
                            + resolved.instanceClass()));
        }
        return new Plan(List.copyOf(plan), copyCall, restoreCall);
    }

    private Optional<DatabaseShape> shape(Target t, String databaseId, SnapshotInfo backup) {
        return t.noShape() || vault == null || shapes == null
                ? Optional.empty()
                : ShapeRecords.read(vault, databaseId, backup.id());
    }

    /** What a restore creates besides the database carries these: whose it is, and which restore made it. */
    private static Map<String, String> creationTags(String databaseId, String identifier) {
        return Map.of(Tags.MANAGED_BY, "lifeboat", Tags.DATABASE, databaseId, RestoreShape.RESTORE_TAG, identifier);
    }

    /** The copy to restore: an identifier, the newest ("latest"), or the newest taken at or before a time. */
    public SnapshotInfo choose(LifeboatConfig config, String databaseId, String backup) {
        List<SnapshotInfo> available = PruningSnapshots.copies(rds, config, databaseId).stream()
                .filter(SnapshotInfo::available)
                .toList();
        // "latest" and "before:" never pick a copy of a planted snapshot (issue 37); one named by its id is the
        // operator's choice.
        List<SnapshotInfo> copies = available.stream()
                .filter(s -> RetentionPolicy.lineageBroken(s) == null)
                .toList();
        if (available.isEmpty()) {
            throw new BackupNotFoundException(
                    "no available snapshot copy of " + databaseId + " in the backup account "
                            + config.backup().account() + " " + config.backup().region(),
                    "check " + Param.command("list", Param.SNAPSHOTS) + ", or restore from a dump with " + Param.FROM
                            + " dump");
        }
        String b = backup == null ? "latest" : backup.trim();
        if (b.equalsIgnoreCase("latest")) {
            return copies.stream()
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "every snapshot copy of " + databaseId + " is of another database than its run backed up"
                                    + " (" + RetentionPolicy.lineageBroken(available.getFirst()) + ")",
                            "restore from a dump with " + Param.FROM + " dump, or name a copy with " + Param.BACKUP
                                    + " after checking it"));
        }
        if (b.toLowerCase(Locale.ROOT).startsWith("before:")) {
            Instant limit;
            try {
                limit = Instant.parse(b.substring("before:".length()));
            } catch (DateTimeParseException e) {
                throw new InvalidInputException(
                        Param.BACKUP + " '" + b + "' has no valid time", "use before:2026-11-24T23:00:00Z (UTC)");
            }
            return copies.stream()
                    .filter(s -> !RetentionPolicy.takenAt(s).isAfter(limit))
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "no copy of " + databaseId + " was taken at or before " + limit,
                            "the oldest is " + available.getLast().id() + " ("
                                    + RetentionPolicy.takenAt(available.getLast()) + ")"));
        }
        return available.stream()
                .filter(s -> s.id().equals(b))
                .findFirst()
                .orElseThrow(() -> new BackupNotFoundException(
                        "no copy named " + b + " of " + databaseId,
                        "choose one of: "
                                + String.join(
                                        ", ",
                                        available.stream()
                                                .limit(10)
                                                .map(SnapshotInfo::id)
                                                .toList()) + (available.size() > 10 ? ", ..." : "")
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
                + shaped(s.shaped())
                + " PubliclyAccessible=false";
    }

    private static String shaped(RdsGateway.Shaped x) {
        StringBuilder b = new StringBuilder();
        append(b, "Port", x.port());
        append(b, "StorageType", x.storageType());
        append(b, "AllocatedStorage", x.allocatedStorage());
        append(b, "Iops", x.iops());
        append(b, "StorageThroughput", x.storageThroughput());
        append(b, "EnableIAMDatabaseAuthentication", x.iamAuthentication());
        append(b, "CACertificateIdentifier", x.caCertificate());
        return b.toString();
    }

    private static void append(StringBuilder b, String field, Object value) {
        if (value != null) {
            b.append(' ').append(field).append('=').append(value);
        }
    }

    private static String orDefault(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
