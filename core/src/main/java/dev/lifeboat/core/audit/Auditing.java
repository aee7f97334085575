package dev.lifeboat.core.audit;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.IncidentForwarding;
import dev.lifeboat.core.port.KeyManagers;
import dev.lifeboat.core.port.RdsDatabases.Protection;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Param;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The accounts checked for the failure modes of the incident (issue 12): for every DB instance and cluster in
 * each source account and Region of lifeboat.yml, whether deletion protection is on, whether automated backups
 * are kept long enough ({@code audit.minBackupRetentionDays}), whether an AWS managed key makes its snapshots
 * unshareable, whether Lifeboat protects it, and whether the cross-Region replication of its automated backups
 * still runs where lifeboat.yml says it is set up; for every configured database, whether its newest snapshot
 * copy and newest good dump are as fresh as {@code schedules.maxAge}, and whether a verification run passed within
 * {@code audit.verifiedWithinDays}. Read-only: describe calls through the source role, the backup account's
 * listings, the vault's manifests and reports.
 */
public final class Auditing {

    public enum Severity {
        HIGH,
        MEDIUM
    }

    /** What a finding is about, for the metrics that count them across the fleet. */
    public enum Kind {
        UNREADABLE,
        UNPROTECTED,
        DELETION_PROTECTION_OFF,
        NO_AUTOMATED_BACKUPS,
        SHORT_RETENTION,
        REPLICATION_STOPPED,
        AWS_MANAGED_KEY,
        STALE_COPY,
        STALE_DUMP,
        STALE_CHANGES,
        STREAM_NOT_POSSIBLE,
        UNVERIFIED,
        NO_SHAPE,
        NEWER_WRITER,
        FORWARDING_OFF
    }

    public record Finding(
            Kind kind, Severity severity, Location where, String identifier, String problem, String fix) {}

    private final RdsGateway rds;
    private final KeyManagers keys;
    private final Vault vault;
    private final Clock clock;
    private final IncidentForwarding forwarding;

    /** {@code keys} or {@code vault} null: the key check, or the dump and verification checks, are not made. */
    public Auditing(RdsGateway rds, KeyManagers keys, Vault vault, Clock clock) {
        this(rds, keys, vault, clock, null);
    }

    private Auditing(RdsGateway rds, KeyManagers keys, Vault vault, Clock clock, IncidentForwarding forwarding) {
        this.rds = rds;
        this.keys = keys;
        this.vault = vault;
        this.clock = clock;
        this.forwarding = forwarding;
    }

    /**
     * The same audit, also checking each source account's incident forwarding (issue 37): production controls those
     * rules and could disable them before it strikes, so the backup account looks at them on every audit.
     */
    public Auditing withForwarding(IncidentForwarding rules) {
        return new Auditing(rds, keys, vault, clock, rules);
    }

    public List<Finding> audit(LifeboatConfig config) {
        return report(config).findings();
    }

    /** The findings, and each database's newest backups as the audit found them (the daily digest reports both). */
    public record Report(List<Finding> findings, java.util.Map<String, NewestBackups.Newest> newest) {
        public Report {
            findings = List.copyOf(findings);
            newest = java.util.Map.copyOf(newest);
        }
    }

    /** {@link #audit}, with the newest backups it read: the digest reports them without reading them again. */
    public Report report(LifeboatConfig config) {
        List<Finding> out = new ArrayList<>();
        java.util.Map<String, NewestBackups.Newest> newestOf = new java.util.LinkedHashMap<>();
        Set<Location> places = new LinkedHashSet<>();
        config.databases()
                .values()
                .forEach(d ->
                        places.add(new Location(d.source().account(), d.source().region())));
        for (Location where : places) {
            List<Protection> found;
            try {
                found = rds.protections(where);
            } catch (RuntimeException e) {
                out.add(new Finding(
                        Kind.UNREADABLE,
                        Severity.HIGH,
                        where,
                        "*",
                        "cannot list the databases: " + e.getMessage(),
                        "check the source role and its trust policy (lifeboat preflight)"));
                continue;
            }
            for (Protection p : found) {
                Optional<LifeboatConfig.Database> db = config.databases().values().stream()
                        .filter(d -> d.source().identifier().equals(p.identifier())
                                && d.source().account().equals(where.account())
                                && d.source().region().equals(where.region()))
                        .findFirst();
                if (db.isEmpty()) {
                    out.add(new Finding(
                            Kind.UNPROTECTED,
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "not protected by Lifeboat",
                            "add it to lifeboat.yml (or record why it needs no backup)"));
                }
                if (!p.deletionProtection()) {
                    out.add(new Finding(
                            Kind.DELETION_PROTECTION_OFF,
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "deletion protection is off",
                            "aws rds modify-db-"
                                    + (p.kind() == DbKind.CLUSTER ? "cluster" : "instance")
                                    + " --deletion-protection (and deletion_protection = true in Terraform)"));
                }
                int minimum = config.audit().minBackupRetentionDays();
                if (p.backupRetentionDays() == 0) {
                    out.add(new Finding(
                            Kind.NO_AUTOMATED_BACKUPS,
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "automated backups are off (retention 0)",
                            "set backup_retention_period to " + Math.max(minimum, 7) + " or more"));
                } else if (p.backupRetentionDays() < minimum) {
                    out.add(new Finding(
                            Kind.SHORT_RETENTION,
                            Severity.MEDIUM,
                            where,
                            p.identifier(),
                            "automated backups are kept " + p.backupRetentionDays()
                                    + (p.backupRetentionDays() == 1 ? " day" : " days") + ", fewer than the " + minimum
                                    + " of audit.minBackupRetentionDays",
                            "set backup_retention_period to " + minimum + " or more"));
                }
                String replicated =
                        db.map(d -> d.source().backupReplicationRegion()).orElse(null);
                if (replicated != null && !p.backupReplicationRegions().contains(replicated)) {
                    out.add(new Finding(
                            Kind.REPLICATION_STOPPED,
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "the replication of its automated backups to " + replicated + " is stopped"
                                    + (p.backupReplicationRegions().isEmpty()
                                            ? ""
                                            : " (replicated to " + String.join(", ", p.backupReplicationRegions())
                                                    + " instead)"),
                            "aws rds start-db-instance-automated-backups-replication --region " + replicated
                                    + " --source-db-instance-arn "
                                    + db.get().source().arn()
                                    + " (or the aws_db_instance_automated_backups_replication resource)"));
                }
                if (p.encrypted()
                        && keys != null
                        && p.kmsKeyId() != null
                        && "AWS".equals(keys.keyManager(where, p.kmsKeyId()))
                        && db.map(d -> d.source().shareKmsKeyArn() == null).orElse(true)
                        && !where.account().equals(config.backup().account())) {
                    out.add(new Finding(
                            Kind.AWS_MANAGED_KEY,
                            Severity.MEDIUM,
                            where,
                            p.identifier(),
                            "encrypted with the AWS managed key aws/rds: its snapshots cannot be shared, so no copy can"
                                    + " leave the account",
                            "set source.shareKmsKeyArn to the source stack's share key (Lifeboat re-encrypts)"));
                }
            }
        }
        if (forwarding != null) {
            for (Location where : places) {
                if (!where.account().equals(config.backup().account())) {
                    out.addAll(forwardingFindings(config, where));
                }
            }
        }
        NewestBackups newest = new NewestBackups(vault, rds, clock);
        Instant now = clock.instant();
        for (LifeboatConfig.Database d : config.databases().values()) {
            Location where = new Location(d.source().account(), d.source().region());
            LifeboatConfig.Schedules schedules = d.schedules();
            Duration maxAge = schedules.maxAge();
            Instant limit = now.minus(maxAge);
            NewestBackups.Newest b = newest.of(config, d.id());
            newestOf.put(d.id(), b);
            if (schedules.snapshot() != null) {
                Instant copy = b.copy() == null ? null : b.copy().takenAt();
                if (copy == null || copy.isBefore(limit)) {
                    out.add(new Finding(
                            Kind.STALE_COPY,
                            Severity.HIGH,
                            where,
                            d.source().identifier(),
                            "no snapshot copy of " + d.id() + " newer than " + maxAge.toHours() + " h"
                                    + (copy == null ? "" : " (newest: " + copy + ")"),
                            Param.command("snapshot", Param.CONFIG, "lifeboat.yml", Param.DATABASE, d.id(), Param.WAIT)
                                    + "; then look at"
                                    + " the pipeline's alarms"));
                }
            }
            if (vault != null && schedules.dump() != null) {
                Instant dump = b.dump() == null ? null : b.dump().takenAt();
                if (dump == null || dump.isBefore(limit)) {
                    out.add(new Finding(
                            Kind.STALE_DUMP,
                            Severity.HIGH,
                            where,
                            d.source().identifier(),
                            "no good dump of " + d.id() + " newer than " + maxAge.toHours() + " h"
                                    + (dump == null ? "" : " (newest: " + dump + ")"),
                            "look at the dump function's errors alarm in " + where + "; take one by hand with"
                                    + " lifeboat dump"));
                }
            }
            if (b.dump() != null && b.dump().manifest() != null) {
                newerWriter(
                                d,
                                where,
                                "newest dump " + b.dump().backupId(),
                                b.dump().manifest().writtenBy())
                        .ifPresent(out::add);
            }
            if (vault != null && d.dump() != null && d.dump().stream() != null) {
                changeArchiveFinding(d, where, now).ifPresent(out::add);
            }
            if (vault != null && b.copy() != null) {
                // Issue 14: a copy without its shape record restores with RDS's defaults unless the operator types
                // every value; a missing record means the pipeline could not describe or write it.
                Optional<dev.lifeboat.core.model.DatabaseShape> shape;
                try {
                    shape = ShapeRecords.read(vault, d.id(), b.copy().snapshotId());
                } catch (RuntimeException e) {
                    shape = Optional.empty();
                }
                shape.flatMap(s -> streamNotPossible(d, where, s)).ifPresent(out::add);
                shape.flatMap(s -> newerWriter(
                                d, where, "shape record of " + b.copy().snapshotId(), s.writtenBy()))
                        .ifPresent(out::add);
                if (shape.isEmpty()) {
                    out.add(new Finding(
                            Kind.NO_SHAPE,
                            Severity.MEDIUM,
                            where,
                            d.source().identifier(),
                            "the newest copy of " + d.id() + " (" + b.copy().snapshotId() + ") has no readable shape"
                                    + " record: restoring it brings back RDS's defaults (class, parameters, network)"
                                    + " unless every value is given",
                            "look at the snapshot run's warnings (the source role's DescribeTheShape statement: deploy"
                                    + " the source stack), then run "
                                    + Param.command("snapshot", Param.DATABASE, d.id())));
                }
            }
            int days = config.audit().verifiedWithinDays();
            if (vault != null
                    && schedules.verify() != null
                    && (b.lastVerified() == null || b.lastVerified().isBefore(now.minus(Duration.ofDays(days))))) {
                out.add(new Finding(
                        Kind.UNVERIFIED,
                        Severity.MEDIUM,
                        where,
                        d.source().identifier(),
                        "no verification run of " + d.id() + " passed within " + days + " days"
                                + (b.lastVerified() == null ? "" : " (last: " + b.lastVerified() + ")"),
                        "look at the verification state machine's failed runs; run one with "
                                + Param.command("verify", Param.CONFIG, "lifeboat.yml", Param.DATABASE, d.id())));
            }
        }
        out.sort(Comparator.comparing(Finding::severity)
                .thenComparing(f -> f.where().toString())
                .thenComparing(Finding::identifier));
        return new Report(out, newestOf);
    }

    /**
     * Issue 39: a dump manifest or shape record that a newer Lifeboat wrote. This audit (and the restores of this
     * version) ignore the fields they do not know, so what it says of that backup may be incomplete: the deployed
     * Lifeboat or the command line is older than the one that wrote the vault.
     */
    private static Optional<Finding> newerWriter(
            LifeboatConfig.Database d, Location where, String what, String writtenBy) {
        String reader = dev.lifeboat.protocol.BuildInfo.current().version();
        return dev.lifeboat.core.model.WriterVersion.newerThanReader(writtenBy, reader)
                .map(note -> new Finding(
                        Kind.NEWER_WRITER,
                        Severity.MEDIUM,
                        where,
                        d.source().identifier(),
                        "the " + what + " of " + d.id() + " was " + note,
                        "run the audit and restores with Lifeboat " + writtenBy + " or newer (the command line from"
                                + " its release archive; the deployed functions with cdk deploy of that version)"));
    }

    /**
     * Each forwarding rule of a source account and Region: there, enabled, and sending to the backup account's bus.
     * Without them a deletion in production raises no alert until the next audit finds the database gone, and the
     * guard's "the alert tells" no longer holds. The backup account's own databases need none (its bus is here).
     */
    private List<Finding> forwardingFindings(LifeboatConfig config, Location where) {
        List<Finding> out = new ArrayList<>();
        String bus =
                Names.backupBusArn(config.backup().account(), config.backup().region());
        String deploy = "deploy the source stack of " + where + " again (cdk deploy), or the StackSet instance";
        for (String name : Names.INCIDENT_RULES) {
            IncidentForwarding.Rule rule;
            try {
                rule = forwarding.rule(where, name);
            } catch (RuntimeException e) {
                out.add(new Finding(
                        Kind.UNREADABLE,
                        Severity.HIGH,
                        where,
                        name,
                        "cannot read the incident forwarding rules: " + e.getMessage(),
                        "check that the source role has the SeeTheIncidentForwarding statement: " + deploy));
                return out;
            }
            if (!rule.exists()) {
                out.add(new Finding(
                        Kind.FORWARDING_OFF,
                        Severity.HIGH,
                        where,
                        name,
                        "the incident forwarding rule is missing: a deletion here would alert nobody",
                        deploy));
            } else if (!rule.enabled()) {
                out.add(new Finding(
                        Kind.FORWARDING_OFF,
                        Severity.HIGH,
                        where,
                        name,
                        "the incident forwarding rule is disabled: a deletion here would alert nobody",
                        "aws events enable-rule --name " + name + " --region " + where.region()
                                + ", and find out who disabled it (CloudTrail: DisableRule)"));
            } else if (!rule.targetArns().contains(bus)) {
                out.add(new Finding(
                        Kind.FORWARDING_OFF,
                        Severity.HIGH,
                        where,
                        name,
                        "the incident forwarding rule does not send to the backup account's bus " + bus
                                + (rule.targetArns().isEmpty()
                                        ? " (it has no target)"
                                        : " (it sends to " + String.join(", ", rule.targetArns()) + ")"),
                        deploy + ", and find out who changed it (CloudTrail: PutTargets, RemoveTargets)"));
            }
        }
        return out;
    }

    /** How far ahead of the audit's clock a segment may be dated before it counts as not Lifeboat's (clocks differ). */
    private static final Duration SKEW = Duration.ofMinutes(5);

    /**
     * A streamed database's change archive, judged from the backup account (issues 40 and 41), where production cannot
     * silence it as it can its own account's alarms: its newest segment must have been written within the stream's
     * {@code lagAlarm}, and at least within the hour (an idle server without heartbeats advances no position, so no
     * segment is written). A segment dated in the future was not written by Lifeboat's streamer and is not believed.
     */
    private Optional<Finding> changeArchiveFinding(LifeboatConfig.Database d, Location where, Instant now) {
        Duration bound = d.dump().stream().lagAlarm();
        if (bound.compareTo(Duration.ofHours(1)) < 0) {
            bound = Duration.ofHours(1);
        }
        String fix = "look at the lifeboat-stream-" + d.id() + " service's log and alarms in " + where + "; until it"
                + " runs, restores reach only the newest dump";
        Instant written;
        // How far the newest segment certainly reached: its last commit, or the server's position it reached; not
        // when it was written (a streamer catching up writes old commits now).
        Instant holds;
        try {
            if (d.engine() == dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL) {
                var last = new dev.lifeboat.core.changes.ChangeArchive(vault).last(d.id());
                written = last.map(dev.lifeboat.core.changes.ChangeSegment::writtenAt)
                        .orElse(null);
                holds = last.map(x -> later(x.lastCommitAt(), x.completeUpTo())).orElse(null);
            } else {
                var last = new dev.lifeboat.core.binlog.BinlogArchive(vault).last(d.id());
                written = last.map(dev.lifeboat.core.binlog.Segment::writtenAt).orElse(null);
                holds = last.map(x -> later(x.lastEventAt(), x.completeUpTo())).orElse(null);
            }
        } catch (RuntimeException e) {
            return Optional.of(new Finding(
                    Kind.STALE_CHANGES,
                    Severity.HIGH,
                    where,
                    d.source().identifier(),
                    "the change archive of " + d.id() + " could not be read: " + e.getMessage(),
                    fix));
        }
        if (written != null && written.isAfter(now.plus(SKEW))) {
            return Optional.of(new Finding(
                    Kind.STALE_CHANGES,
                    Severity.HIGH,
                    where,
                    d.source().identifier(),
                    "the newest segment of the change archive of " + d.id() + " is dated " + written + ", in the"
                            + " future: Lifeboat's streamer did not write it",
                    "find who writes into the vault's space of account " + where.account() + "; " + fix));
        }
        if (holds == null || holds.isBefore(now.minus(bound))) {
            return Optional.of(new Finding(
                    Kind.STALE_CHANGES,
                    Severity.HIGH,
                    where,
                    d.source().identifier(),
                    "no change segment of " + d.id() + " holds the last " + Durations.human(bound)
                            + (written == null
                                    ? " (the archive is empty)"
                                    : " (the newest, written " + written + ", holds up to " + holds + ")"),
                    fix));
        }
        return Optional.empty();
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /**
     * A streamed PostgreSQL database (issue 41) whose parameter group, as the snapshot pipeline recorded it with the
     * newest copy (through the source role, DescribeDBParameters: the values set by the user), does not let the stream
     * run: {@code rds.logical_replication} not 1 (wal_level stays replica) or {@code max_slot_wal_keep_size} left
     * unbounded (the streamer refuses it: its slot could fill production's disk). Read from the record, so the audit
     * needs no call of its own into production.
     */
    private static Optional<Finding> streamNotPossible(
            LifeboatConfig.Database d, Location where, dev.lifeboat.core.model.DatabaseShape shape) {
        if (d.dump() == null
                || d.dump().stream() == null
                || d.engine() != dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL) {
            return Optional.empty();
        }
        java.util.Map<String, String> set = new java.util.HashMap<>();
        if (shape.parameterGroup() != null) {
            shape.parameterGroup().parameters().forEach(p -> set.put(p.name(), p.value()));
        }
        List<String> wrong = new ArrayList<>();
        if (!"1".equals(set.get("rds.logical_replication"))) {
            wrong.add("rds.logical_replication is not 1 (wal_level is not logical: nothing can be decoded)");
        }
        String keep = set.get("max_slot_wal_keep_size");
        if (keep == null || keep.strip().startsWith("-")) {
            wrong.add("max_slot_wal_keep_size is unbounded (the streamer refuses to run: its slot could keep WAL until"
                    + " production's disk fills)");
        }
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        String group = shape.parameterGroup() == null
                ? "its parameter group"
                : shape.parameterGroup().name();
        return Optional.of(new Finding(
                Kind.STREAM_NOT_POSSIBLE,
                Severity.MEDIUM,
                where,
                d.source().identifier(),
                d.id() + " streams its changes (dump.stream), but in " + group + " as recorded " + shape.recordedAt()
                        + ": " + String.join("; ", wrong),
                "in the " + (shape.kind() == DbKind.CLUSTER ? "DB cluster parameter group" : "DB parameter group")
                        + " " + group + " set rds.logical_replication=1 and max_slot_wal_keep_size (e.g. 10240,"
                        + " in MB), then reboot " + d.source().identifier() + "; "
                        + Param.command("preflight", Param.SOURCE, "URL") + " checks"
                        + " the server"));
    }
}
