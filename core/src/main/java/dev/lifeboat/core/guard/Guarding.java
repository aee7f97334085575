package dev.lifeboat.core.guard;

import dev.lifeboat.core.audit.NewestBackups;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import dev.lifeboat.core.port.RdsSnapshots;
import dev.lifeboat.core.port.Vault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The guard's decision on a destructive change: it may go ahead only when every database it deletes (or whose
 * backups it deletes) is one Lifeboat protects and has a good backup younger than the limit, a dump in the vault
 * (one with a sound manifest) or an available snapshot copy in the backup account. Backups production can delete
 * (automated backups, the source's own snapshots) count for nothing here: they go with the database.
 */
public final class Guarding {
    /**
     * What the guard found for one deletion, worst first when sorted by {@link #allowed}: the database of
     * lifeboat.yml it deletes (null: none), its newest good backups (null when not protected), and the limit that
     * applied to it.
     */
    public record Finding(
            Deletion deletion,
            String databaseId,
            NewestBackups.Newest backups,
            Duration maxAge,
            boolean allowed,
            String problem,
            List<String> fix,
            List<String> notes) {

        /** When the newest good dump was taken; null when none. */
        public Instant newestDump() {
            return backups == null || backups.dump() == null
                    ? null
                    : backups.dump().takenAt();
        }

        /** When the source of the newest available snapshot copy was taken; null when none. */
        public Instant newestCopy() {
            return backups == null || backups.copy() == null
                    ? null
                    : backups.copy().takenAt();
        }

        /** The newest good backup of either kind, if any. */
        public Optional<Instant> newest() {
            return backups == null ? Optional.empty() : backups.newest();
        }
    }

    /** {@code maxAge}: the limit given for every database (--max-age); null: each database's schedules.maxAge. */
    public record Decision(boolean allowed, Duration maxAge, List<Finding> findings) {}

    private final NewestBackups newest;
    private final Clock clock;

    /** {@code vault} or {@code rds} null: that kind of backup is not looked at (and cannot make a deletion safe). */
    public Guarding(Vault vault, RdsSnapshots rds, Clock clock) {
        this.newest = new NewestBackups(vault, rds, clock);
        this.clock = clock;
    }

    /** {@code maxAge} null: each database's own limit ({@code schedules.maxAge}, 26 hours unless set). */
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

    /** An instance's deletion is not a cluster's of the same name (nor the reverse); backups belong to either. */
    private static boolean sameKind(TerraformPlan.Kind kind, dev.lifeboat.core.model.DbKind source) {
        return switch (kind) {
            case INSTANCE -> source == dev.lifeboat.core.model.DbKind.INSTANCE;
            case CLUSTER -> source == dev.lifeboat.core.model.DbKind.CLUSTER;
            case BACKUPS -> true;
        };
    }

    private Finding finding(LifeboatConfig config, Deletion d, Instant now, Duration given) {
        List<String> notes = new ArrayList<>();
        // Terraform's defaults where the plan does not say: deletion_protection false, delete_automated_backups true.
        if (!Boolean.TRUE.equals(d.deletionProtection()) && d.kind() != TerraformPlan.Kind.BACKUPS) {
            notes.add("deletion protection is off");
        }
        if (Boolean.TRUE.equals(d.skipFinalSnapshot())) {
            notes.add("skip_final_snapshot = true: no final snapshot");
        }
        if (d.update()) {
            notes.add("an update that deletes no database but " + d.weakens() + ": it counts as destructive");
        } else if (d.deleteAutomatedBackups() == null
                ? d.type().equals("aws_db_instance")
                : d.deleteAutomatedBackups()) {
            notes.add("its automated backups are deleted with it (delete_automated_backups defaults to true)");
        }
        if (d.replacement()) {
            notes.add("a replacement: the new resource starts empty");
        }
        List<LifeboatConfig.Database> matches = config.databases().values().stream()
                .filter(x -> x.source().identifier().equals(d.identifier())
                        && sameKind(d.kind(), x.source().kind())
                        && (d.account() == null || d.account().equals(x.source().account()))
                        && (d.region() == null || d.region().equals(x.source().region())))
                .toList();
        Optional<LifeboatConfig.Database> db = matches.stream().findFirst();
        Duration maxAge = given != null
                ? given
                : db.map(x -> x.schedules().maxAge()).orElse(LifeboatConfig.Schedules.DEFAULT_MAX_AGE);
        if (matches.size() > 1) {
            // Without its account or Region the deletion could be of any of them: a fresh backup of one is no
            // backup of another, so none is taken for it.
            return new Finding(
                    d,
                    null,
                    null,
                    maxAge,
                    false,
                    d.identifier() + " is ambiguous: lifeboat.yml has "
                            + String.join(
                                    ", ",
                                    matches.stream()
                                            .map(x ->
                                                    x.id() + " in " + x.source().account() + "/"
                                                            + x.source().region())
                                            .toList())
                            + " by that identifier, and the deletion does not say which account and Region it is in",
                    List.of("give the resource's ARN in the plan (or --region and the account's profile on the"
                            + " command line), so that one database is named"),
                    notes);
        }
        if (db.isEmpty()) {
            return new Finding(
                    d,
                    null,
                    null,
                    maxAge,
                    false,
                    d.identifier() + " is not protected by Lifeboat: no database of lifeboat.yml has that identifier"
                            + (d.account() == null ? "" : " in " + d.account() + "/" + d.region()),
                    List.of("add it to lifeboat.yml and take a backup first, or take this deletion out of the plan"),
                    notes);
        }
        String id = db.get().id();
        NewestBackups.Newest b = newest.of(config, id);
        notes.addAll(b.problems());
        Instant limit = now.minus(maxAge);
        boolean fresh = b.newest().map(t -> !t.isBefore(limit)).orElse(false);
        String problem = fresh
                ? null
                : (b.newest().isEmpty()
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
        return new Finding(d, id, b, maxAge, fresh, problem, fix, notes);
    }
}
