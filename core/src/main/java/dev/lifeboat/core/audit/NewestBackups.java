package dev.lifeboat.core.audit;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsSnapshots;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import dev.lifeboat.core.verify.VerificationReports;
import dev.lifeboat.core.verify.VerifyingBackup.Report;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The newest good backups of one database, as the guard, the audit and the incident alert judge them: the newest
 * dump with a sound manifest in the vault, the newest available snapshot copy in the backup account, and whether
 * a verification run restored and passed either of them. Only what production cannot write counts: the vault's
 * manifests (a manifest dated in the future is skipped by the catalog), copies in the backup account (their time
 * from the pipeline's own tag, {@link RetentionPolicy#takenAt}), and reports the verification run wrote there.
 */
public final class NewestBackups {
    /**
     * A dump: its id, when it was taken, whether a verification run passed on it, and its manifest (where it stands in
     * a change archive, for the recovery point).
     */
    public record Dump(String backupId, Instant takenAt, boolean verified, DumpManifest manifest) {}

    /** A snapshot copy in the backup account: its id, when its source was taken, and whether it was verified. */
    public record Copy(String snapshotId, Instant takenAt, boolean verified) {}

    /**
     * What is known of one database; {@code dump} or {@code copy} null: none (or not looked at);
     * {@code lastVerified}: the start of the newest verification run that passed, null when none;
     * {@code problems}: what could not be read (the vault, the copies), for a human.
     */
    public record Newest(String databaseId, Dump dump, Copy copy, Instant lastVerified, List<String> problems) {
        public Newest {
            problems = List.copyOf(problems);
        }

        /** The newest good backup of either kind. */
        public Optional<Instant> newest() {
            return Stream.of(dump == null ? null : dump.takenAt(), copy == null ? null : copy.takenAt())
                    .filter(Objects::nonNull)
                    .max(Comparator.naturalOrder());
        }
    }

    private final Vault vault;
    private final RdsSnapshots rds;
    private final Clock clock;

    /** {@code vault} or {@code rds} null: that kind of backup is not looked at. */
    public NewestBackups(Vault vault, RdsSnapshots rds, Clock clock) {
        this.vault = vault;
        this.rds = rds;
        this.clock = clock;
    }

    public Newest of(LifeboatConfig config, String databaseId) {
        List<String> problems = new ArrayList<>();
        List<Report> passed = List.of();
        if (vault != null) {
            try {
                passed = new VerificationReports(vault)
                        .of(databaseId).stream().filter(Report::success).toList();
            } catch (RuntimeException e) {
                problems.add("the verification reports could not be read: " + e.getMessage());
            }
        }
        Dump dump = null;
        if (vault != null) {
            try {
                Optional<DumpManifest> m = new BackupCatalog(vault, clock)
                        .backups(databaseId).stream().max(Comparator.comparing(DumpManifest::startedAt));
                if (m.isPresent()) {
                    String id = m.get().backupId();
                    dump = new Dump(
                            id,
                            m.get().startedAt(),
                            passed.stream().anyMatch(r -> id.equals(r.dumpBackupId())),
                            m.get());
                }
            } catch (RuntimeException e) {
                problems.add("the vault could not be read: " + e.getMessage());
            }
        }
        Copy copy = null;
        if (rds != null) {
            try {
                Optional<SnapshotInfo> s = PruningSnapshots.copies(rds, config, databaseId).stream()
                        .filter(SnapshotInfo::available)
                        .filter(x -> RetentionPolicy.takenAt(x) != null)
                        // A copy of a planted snapshot is not the database's backup, however fresh.
                        .filter(x -> RetentionPolicy.lineageBroken(x) == null)
                        .max(Comparator.comparing(RetentionPolicy::takenAt));
                if (s.isPresent()) {
                    String id = s.get().id();
                    copy = new Copy(
                            id,
                            RetentionPolicy.takenAt(s.get()),
                            passed.stream().anyMatch(r -> id.equals(r.snapshotId())));
                }
            } catch (RuntimeException e) {
                problems.add("the snapshot copies could not be listed: " + e.getMessage());
            }
        }
        Instant lastVerified = passed.stream()
                .map(Report::startedAt)
                .max(Comparator.naturalOrder())
                .orElse(null);
        return new Newest(databaseId, dump, copy, lastVerified, problems);
    }
}
