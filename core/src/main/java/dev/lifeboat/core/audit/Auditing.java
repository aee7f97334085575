package dev.lifeboat.core.audit;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.AccessChecks;
import dev.lifeboat.core.port.RdsDatabases.Protection;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The accounts checked for the failure modes of the incident (issue 12): for every DB instance and cluster in
 * each source account and Region of lifeboat.yml, whether deletion protection is on, whether automated backups
 * are kept at all, whether an AWS managed key makes its snapshots unshareable, and whether Lifeboat protects it;
 * for every configured database, whether its newest snapshot copy and newest good dump are as fresh as their
 * schedules promise. Read-only: describe calls through the source role, the backup account's listings.
 */
public final class Auditing {
    /** How fresh a scheduled backup must be: the daily schedule's day, plus two hours of slack. */
    public static final Duration FRESH = Duration.ofHours(26);

    public enum Severity {
        HIGH,
        MEDIUM
    }

    public record Finding(Severity severity, Location where, String identifier, String problem, String fix) {}

    private final RdsGateway rds;
    private final AccessChecks access;
    private final Vault vault;
    private final Clock clock;

    /** {@code access} or {@code vault} null: the key check, or the dump freshness, is not made. */
    public Auditing(RdsGateway rds, AccessChecks access, Vault vault, Clock clock) {
        this.rds = rds;
        this.access = access;
        this.vault = vault;
        this.clock = clock;
    }

    public List<Finding> audit(LifeboatConfig config) {
        List<Finding> out = new ArrayList<>();
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
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "not protected by Lifeboat",
                            "add it to lifeboat.yml (or record why it needs no backup)"));
                }
                if (!p.deletionProtection()) {
                    out.add(new Finding(
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "deletion protection is off",
                            "aws rds modify-db-"
                                    + (p.kind() == dev.lifeboat.core.model.DbKind.CLUSTER ? "cluster" : "instance")
                                    + " --deletion-protection (and deletion_protection = true in Terraform)"));
                }
                if (p.backupRetentionDays() == 0) {
                    out.add(new Finding(
                            Severity.HIGH,
                            where,
                            p.identifier(),
                            "automated backups are off (retention 0)",
                            "set backup_retention_period to 7 or more"));
                }
                if (p.encrypted()
                        && access != null
                        && p.kmsKeyId() != null
                        && "AWS".equals(access.keyManager(where, p.kmsKeyId()))
                        && db.map(d -> d.source().shareKmsKeyArn() == null).orElse(true)
                        && !where.account().equals(config.backup().account())) {
                    out.add(new Finding(
                            Severity.MEDIUM,
                            where,
                            p.identifier(),
                            "encrypted with the AWS managed key aws/rds: its snapshots cannot be shared, so no copy can"
                                    + " leave the account",
                            "set source.shareKmsKeyArn to the source stack's share key (Lifeboat re-encrypts)"));
                }
            }
        }
        Instant limit = clock.instant().minus(FRESH);
        for (LifeboatConfig.Database d : config.databases().values()) {
            Location where = new Location(d.source().account(), d.source().region());
            if (d.schedules() != null && d.schedules().snapshot() != null) {
                Instant newest = null;
                try {
                    newest = PruningSnapshots.copies(rds, config, d.id()).stream()
                            .filter(SnapshotInfo::available)
                            .map(RetentionPolicy::takenAt)
                            .filter(Objects::nonNull)
                            .max(Comparator.naturalOrder())
                            .orElse(null);
                } catch (RuntimeException e) {
                    // reported as no copy below
                }
                if (newest == null || newest.isBefore(limit)) {
                    out.add(new Finding(
                            Severity.HIGH,
                            where,
                            d.source().identifier(),
                            "no snapshot copy of " + d.id() + " newer than " + FRESH.toHours() + " h"
                                    + (newest == null ? "" : " (newest: " + newest + ")"),
                            "lifeboat snapshot --config lifeboat.yml --database " + d.id() + " --wait; then look at"
                                    + " the pipeline's alarms"));
                }
            }
            if (vault != null && d.schedules() != null && d.schedules().dump() != null) {
                Instant newest = null;
                try {
                    newest = new BackupCatalog(vault, clock)
                            .backups(d.id()).stream()
                                    .map(DumpManifest::startedAt)
                                    .max(Comparator.naturalOrder())
                                    .orElse(null);
                } catch (RuntimeException e) {
                    // reported as no dump below
                }
                if (newest == null || newest.isBefore(limit)) {
                    out.add(new Finding(
                            Severity.HIGH,
                            where,
                            d.source().identifier(),
                            "no good dump of " + d.id() + " newer than " + FRESH.toHours() + " h"
                                    + (newest == null ? "" : " (newest: " + newest + ")"),
                            "look at the dump function's errors alarm in " + where + "; take one by hand with"
                                    + " lifeboat dump"));
                }
            }
        }
        out.sort(Comparator.comparing(Finding::severity)
                .thenComparing(f -> f.where().toString())
                .thenComparing(Finding::identifier));
        return out;
    }
}
