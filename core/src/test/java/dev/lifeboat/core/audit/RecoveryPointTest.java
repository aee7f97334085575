package dev.lifeboat.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.changes.ChangeArchive;
import dev.lifeboat.core.changes.ChangeSegment;
import dev.lifeboat.core.changes.Lsn;
import dev.lifeboat.core.changes.StreamingChanges;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.testing.FakeChangeServer;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 41: the recovery point per database, the newest moment a restore reaches: a dump, a snapshot copy, or the
 * change archive going on from the newest dump, judged from two manifests and the gap marks.
 */
class RecoveryPointTest {
    private static final DatabaseTarget SOURCE =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "shop", "u", Secret.none());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T01:00:00Z"));
    private final InMemoryVault vault = new InMemoryVault();
    private final FakeChangeServer server = new FakeChangeServer();
    private final ChangeArchive archive = new ChangeArchive(vault);

    RecoveryPointTest() {
        server.clock = clock;
        server.createSlot(SOURCE, "lifeboat_shop");
    }

    private void stream() {
        dev.lifeboat.core.testing.Archiving.untilArchived(vault, server, "shop", SOURCE);
    }

    /** A dump whose place in the change stream is just before transaction {@code n}. */
    private NewestBackups.Dump dumpBefore(int n) {
        FakeChangeServer.Txn t = server.committed.get(n);
        Instant by = t.at().minusMillis(100);
        DumpManifest m = FakeDumps.take(vault, "shop", Clock.fixed(by, ZoneOffset.UTC))
                .withChanges(
                        new DumpManifest.Changes(Lsn.format(t.lsn() - 1), t.xid() + ":" + t.xid() + ":", "f1", by));
        return new NewestBackups.Dump(m.backupId(), m.startedAt(), false, m);
    }

    private static NewestBackups.Newest newest(NewestBackups.Dump dump, NewestBackups.Copy copy) {
        return new NewestBackups.Newest("shop", dump, copy, null, List.of());
    }

    @Test
    void aDumpFollowedByTheChangeArchive_reachesWhatTheArchiveHolds() {
        for (int i = 0; i < 10; i++) {
            server.transaction(1);
        }
        NewestBackups.Dump dump = dumpBefore(3);
        stream();
        ChangeSegment last = archive.last("shop").orElseThrow();

        RecoveryPoint p = RecoveryPoint.of(newest(dump, null), vault).orElseThrow();

        assertThat(p.at())
                .isAfter(dump.takenAt())
                .isAfterOrEqualTo(last.lastCommitAt())
                .isAfterOrEqualTo(server.committed.getLast().at())
                .isBefore(clock.instant());
        assertThat(p.by()).contains("dump " + dump.backupId(), "change archive");
        assertThat(p.age(p.at().plusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.age(p.at().minusSeconds(5))).as("never negative").isEqualTo(Duration.ZERO);
    }

    /**
     * Helper-12's find: a streamer catching up on a two-hour backlog writes its first segment now; the recovery point
     * is that segment's last commit, hours ago, not the moment it was written.
     */
    @Test
    void anArchiveCatchingUpOnABacklog_reachesItsLastCommit_notWhenItWasWritten() {
        for (int i = 0; i < 120; i++) {
            server.transaction(1);
            clock.advance(Duration.ofMinutes(1));
        }
        NewestBackups.Dump dump = dumpBefore(0);
        AtomicInteger polls = new AtomicInteger();
        new StreamingChanges(vault, server, clock, dev.lifeboat.core.testing.Archiving.FAST)
                .run(
                        "shop",
                        SOURCE,
                        () -> polls.incrementAndGet() > 100_000
                                || !archive.segments("shop").isEmpty());
        ChangeSegment first = archive.last("shop").orElseThrow();
        assertThat(first.end()).isLessThan(server.committed.getLast().next());

        RecoveryPoint p = RecoveryPoint.of(newest(dump, null), vault).orElseThrow();

        assertThat(p.at()).isEqualTo(first.lastCommitAt());
        assertThat(p.age(clock.instant())).isGreaterThan(Duration.ofHours(1));
    }

    /** Helper-12's find: a gap mark that cannot be read is not a gap that is not there; the dump is the point. */
    @Test
    void anUnreadableGapMark_stopsTheArchiveCounting() {
        for (int i = 0; i < 5; i++) {
            server.transaction(1);
        }
        NewestBackups.Dump dump = dumpBefore(1);
        stream();
        assertThat(RecoveryPoint.of(newest(dump, null), vault).orElseThrow().by())
                .contains("change archive");
        vault.putIfAbsent(
                "changes/shop/gaps/FFFFFFFF00000000.gap.json",
                "not a gap".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(RecoveryPoint.of(newest(dump, null), vault).orElseThrow())
                .isEqualTo(new RecoveryPoint("shop", dump.takenAt(), "dump " + dump.backupId()));
    }

    /**
     * A gap mark that reads as JSON but names no position (production writes the marks, and may forge one) is as
     * unreadable as any: the dump is the point, and the audit does not fail (it threw "not an LSN", exit 70).
     */
    @Test
    void aGapMarkNamingNoPosition_stopsTheArchiveCounting_withoutFailing() {
        for (int i = 0; i < 5; i++) {
            server.transaction(1);
        }
        NewestBackups.Dump dump = dumpBefore(1);
        stream();
        vault.putIfAbsent(
                "changes/shop/gaps/FFFFFFFF00000000.gap.json",
                ("{\"databaseId\":\"shop\",\"lastArchived\":\"nowhere\",\"resumedAt\":\"0/0\","
                                + "\"detectedAt\":\"2026-12-05T03:00:00Z\",\"reason\":\"forged\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(RecoveryPoint.of(newest(dump, null), vault).orElseThrow())
                .isEqualTo(new RecoveryPoint("shop", dump.takenAt(), "dump " + dump.backupId()));
    }

    @Test
    void aGapAfterTheDump_stopsTheArchiveCounting_theDumpIsThePoint() {
        for (int i = 0; i < 5; i++) {
            server.transaction(1);
        }
        NewestBackups.Dump dump = dumpBefore(1);
        stream();
        server.slot = null;
        server.transaction(1);
        AtomicInteger polls = new AtomicInteger();
        new StreamingChanges(vault, server, clock, StreamingChanges.Settings.DEFAULT)
                .run("shop", SOURCE, () -> polls.incrementAndGet() > 20);
        assertThat(archive.gaps("shop")).isNotEmpty();

        assertThat(RecoveryPoint.of(newest(dump, null), vault).orElseThrow())
                .isEqualTo(new RecoveryPoint("shop", dump.takenAt(), "dump " + dump.backupId()));
    }

    @Test
    void anArchiveBegunAfterTheDump_doesNotCount_andANewerCopyWins() {
        for (int i = 0; i < 3; i++) {
            server.transaction(1);
        }
        NewestBackups.Dump dump = dumpBefore(0);
        // The slot is made after the dump: what committed before it was never archived.
        server.slot = null;
        server.createSlot(SOURCE, "lifeboat_shop");
        server.transaction(1);
        stream();
        assertThat(archive.segments("shop").getFirst().start())
                .isGreaterThan(Lsn.parse(dump.manifest().changes().lsn()));

        assertThat(RecoveryPoint.of(newest(dump, null), vault).orElseThrow().by())
                .isEqualTo("dump " + dump.backupId());
        Instant copied = clock.instant().plus(Duration.ofHours(1));
        assertThat(RecoveryPoint.of(newest(dump, new NewestBackups.Copy("lifeboat-shop-1", copied, false)), vault)
                        .orElseThrow())
                .isEqualTo(new RecoveryPoint("shop", copied, "snapshot copy lifeboat-shop-1"));
        assertThat(RecoveryPoint.of(newest(null, null), vault)).isEmpty();
    }
}
