package dev.lifeboat.core.audit;

import dev.lifeboat.core.binlog.BinlogArchive;
import dev.lifeboat.core.changes.ChangeArchive;
import dev.lifeboat.core.changes.Lsn;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.BinlogPosition;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.Param;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How much of a database a restore brings back now (issue 41): the newest moment a restore reaches and what reaches
 * it, a dump, a snapshot copy, or a change archive going on from the newest dump ({@code restore --to-time}). Its age
 * is what a loss now would cost: {@code lifeboat list --recovery-window} shows it, and the audit publishes it for the
 * dashboard. Judged only from what production cannot rewrite: the vault's manifests (written once) and the copies in
 * the backup account.
 */
public record RecoveryPoint(String databaseId, Instant at, String by) {

    /** The data a loss at {@code now} would cost; never negative. */
    public Duration age(Instant now) {
        Duration d = Duration.between(at, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** One line for a human: when, how old, and by what. */
    public String describe(Instant now) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (" + Durations.human(age(now)) + " ago) by "
                + by;
    }

    /**
     * The newest of the database's newest copy and dump and, where its archives go on from that dump (read from two
     * manifests and the gap marks: {@link ChangeArchive#reachFrom}, {@link BinlogArchive#reachFrom}), of what they
     * reach; empty when the database has no backup at all.
     */
    public static Optional<RecoveryPoint> of(NewestBackups.Newest newest, Vault vault) {
        List<RecoveryPoint> candidates = new ArrayList<>();
        String id = newest.databaseId();
        if (newest.copy() != null) {
            candidates.add(new RecoveryPoint(
                    id,
                    newest.copy().takenAt(),
                    "snapshot copy " + newest.copy().snapshotId()));
        }
        if (newest.dump() != null) {
            NewestBackups.Dump d = newest.dump();
            candidates.add(new RecoveryPoint(id, d.takenAt(), "dump " + d.backupId()));
            DumpManifest m = d.manifest();
            if (vault != null && m != null) {
                if (m.changes() != null) {
                    new ChangeArchive(vault)
                            .reachFrom(id, Lsn.parse(m.changes().lsn()))
                            .ifPresent(at -> candidates.add(new RecoveryPoint(
                                    id,
                                    at,
                                    "dump " + d.backupId() + " and the change archive (restore " + Param.TO_TIME.flag()
                                            + ")")));
                }
                if (m.binlog() != null) {
                    new BinlogArchive(vault)
                            .reachFrom(
                                    id,
                                    new BinlogPosition(
                                            m.binlog().file(), m.binlog().position()))
                            .ifPresent(at -> candidates.add(new RecoveryPoint(
                                    id,
                                    at,
                                    "dump " + d.backupId() + " and the binlog archive (restore " + Param.TO_TIME.flag()
                                            + ")")));
                }
            }
        }
        return candidates.stream().max(Comparator.comparing(RecoveryPoint::at));
    }
}
