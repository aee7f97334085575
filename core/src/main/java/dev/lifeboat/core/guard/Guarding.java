package dev.lifeboat.core.guard;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsSnapshots;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The guard's decision on a destructive change: it may go ahead only when every database it deletes (or whose
 * backups it deletes) is one Lifeboat protects and has a good backup younger than the limit, a dump in the vault
 * (one with a sound manifest) or an available snapshot copy in the backup account. Backups production can delete
 * (automated backups, the source's own snapshots) count for nothing here: they go with the database.
 */
public final class Guarding {
    /** What the guard found for one deletion, worst first when sorted by {@link #allowed}. */
    public record Finding(
            Deletion deletion,
            String databaseId,
            Instant newestDump,
            Instant newestCopy,
            boolean allowed,
            String problem,
            List<String> fix,
            List<String> notes) {

        /** The newest good backup of either kind, if any. */
        public Optional<Instant> newest() {
            return java.util.stream.Stream.of(newestDump, newestCopy)
                    .filter(Objects::nonNull)
                    .max(Comparator.naturalOrder());
        }
    }

    public record Decision(boolean allowed, Duration maxAge, List<Finding> findings) {}

    private final Vault vault;
    private final RdsSnapshots rds;
    private final Clock clock;

    /** {@code vault} or {@code rds} null: that kind of backup is not looked at (and cannot make a deletion safe). */
    public Guarding(Vault vault, RdsSnapshots rds, Clock clock) {
        this.vault = vault;
        this.rds = rds;
        this.clock = clock;
    }

    public Decision decide(LifeboatConfig config, List<Deletion> deletions, Duration maxAge) {
        Instant now = clock.instant();
        List<Finding> findings = new ArrayList<>();
        for (Deletion d : deletions) {
            findings.add(finding(config, d, now, maxAge));
        }
        findings.sort(Comparator.comparing(Finding::allowed)
                .thenComparing(f -> f.deletion().address()));
        return new Decision(findings.stream().allMatch(Finding::allowed), maxAge, findings);
    }

    private Finding finding(LifeboatConfig config, Deletion d, Instant now, Duration maxAge) {
        List<String> notes = new ArrayList<>();
        // Terraform's defaults where the plan does not say: deletion_protection false, delete_automated_backups true.
        if (!Boolean.TRUE.equals(d.deletionProtection()) && d.kind() != TerraformPlan.Kind.BACKUPS) {
            notes.add("deletion protection is off");
        }
        if (Boolean.TRUE.equals(d.skipFinalSnapshot())) {
            notes.add("skip_final_snapshot = true: no final snapshot");
        }
        if (d.deleteAutomatedBackups() == null ? d.type().equals("aws_db_instance") : d.deleteAutomatedBackups()) {
            notes.add("its automated backups are deleted with it (delete_automated_backups defaults to true)");
        }
        if (d.replacement()) {
            notes.add("a replacement: the new resource starts empty");
        }
        Optional<LifeboatConfig.Database> db = config.databases().values().stream()
                .filter(x -> x.source().identifier().equals(d.identifier())
                        && (d.account() == null || d.account().equals(x.source().account()))
                        && (d.region() == null || d.region().equals(x.source().region())))
                .findFirst();
        if (db.isEmpty()) {
            return new Finding(
                    d,
                    null,
                    null,
                    null,
                    false,
                    d.identifier() + " is not protected by Lifeboat: no database of lifeboat.yml has that identifier"
                            + (d.account() == null ? "" : " in " + d.account() + "/" + d.region()),
                    List.of("add it to lifeboat.yml and take a backup first, or take this deletion out of the plan"),
                    notes);
        }
        String id = db.get().id();
        Instant dump = null;
        Instant copy = null;
        if (vault != null) {
            try {
                dump = new BackupCatalog(vault, clock)
                        .backups(id).stream()
                                .map(DumpManifest::startedAt)
                                .max(Comparator.naturalOrder())
                                .orElse(null);
            } catch (RuntimeException e) {
                notes.add("the vault could not be read: " + e.getMessage());
            }
        }
        if (rds != null) {
            try {
                copy = PruningSnapshots.copies(rds, config, id).stream()
                        .filter(SnapshotInfo::available)
                        .map(RetentionPolicy::takenAt)
                        .filter(Objects::nonNull)
                        .max(Comparator.naturalOrder())
                        .orElse(null);
            } catch (RuntimeException e) {
                notes.add("the snapshot copies could not be listed: " + e.getMessage());
            }
        }
        Instant limit = now.minus(maxAge);
        boolean fresh = (dump != null && !dump.isBefore(limit)) || (copy != null && !copy.isBefore(limit));
        String problem = fresh
                ? null
                : (dump == null && copy == null
                        ? "no good backup of " + id + " (no dump with a sound manifest, no available snapshot copy)"
                        : "the newest good backup of " + id + " is older than " + maxAge.toHours() + " h");
        List<String> fix = fresh
                ? List.of()
                : List.of(
                        "lifeboat snapshot --config lifeboat.yml --database " + id + " --wait",
                        "or a dump: lifeboat dump --secret-id "
                                + Optional.ofNullable(db.get().dump())
                                        .map(LifeboatConfig.DumpSettings::secretArn)
                                        .orElse("SECRET_ID")
                                + " --vault "
                                + Optional.ofNullable(config.backup().vault()).orElse("VAULT") + " --database " + id);
        return new Finding(d, id, dump, copy, fresh, problem, fix, notes);
    }
}
