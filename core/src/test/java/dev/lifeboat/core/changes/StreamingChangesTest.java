package dev.lifeboat.core.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.core.testing.FakeChangeServer;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingChangesTest {
    static final DatabaseTarget SOURCE =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db.internal", 5432, "shop", "lifeboat", Secret.none());
    static final StreamingChanges.Settings SETTINGS = new StreamingChanges.Settings(
            Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofMillis(1));

    final InMemoryVault vault = new InMemoryVault();
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T22:00:00Z"));
    final FakeChangeServer server = new FakeChangeServer();
    final ChangeArchive archive = new ChangeArchive(vault);

    @TempDir
    Path work;

    StreamingChangesTest() {
        server.clock = clock;
        // The slot a streamer started earlier made: a slot sees only what commits after it was made.
        server.createSlot(SOURCE, "lifeboat_shop");
    }

    StreamingChanges.Summary stream(BooleanSupplier stop) {
        return new StreamingChanges(vault, server, clock, SETTINGS).run("shop", SOURCE, stop);
    }

    /** Until the archive holds every committed transaction (or {@code limit} polls passed). */
    StreamingChanges.Summary streamUntilCaughtUp() {
        AtomicInteger polls = new AtomicInteger();
        return stream(() -> polls.incrementAndGet() > 10_000
                || archive.last("shop")
                        .map(s -> server.committed.isEmpty()
                                || s.end() >= server.committed.getLast().next())
                        .orElse(false));
    }

    /** Every change line the archive's unbroken chain holds, read and checked as a restore reads them. */
    List<String> archived() throws Exception {
        List<ChangeSegment> all = archive.segments("shop");
        List<ChangeSegment> chain = ChangeArchive.chainFrom(all, all.getFirst().start());
        assertThat(chain).as("one unbroken chain").hasSameSizeAs(all);
        Path folder = Files.createTempDirectory(work, "fetch");
        List<String> lines = new ArrayList<>();
        for (Path f : archive.fetchChecked(chain, folder)) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (l.contains("\"action\":\"I\"")) {
                    lines.add(l);
                }
            }
        }
        return lines;
    }

    @Test
    void committedTransactions_areArchivedInSegments_eachConfirmedOnlyOnceItsManifestIsWritten() throws Exception {
        server.onConfirm = lsn -> assertThat(archive.segments("shop"))
                .as("the segment ending at a confirmed position is in the vault before the server hears of it")
                .anyMatch(s -> s.end() == lsn);
        for (int i = 0; i < 20; i++) {
            server.transaction(3);
        }

        StreamingChanges.Summary s = streamUntilCaughtUp();

        assertThat(archived()).containsExactlyElementsOf(server.allChanges());
        assertThat(s.segments()).isGreaterThan(3);
        assertThat(s.transactions()).isEqualTo(20);
        assertThat(server.slot.name()).isEqualTo("lifeboat_shop");
        assertThat(server.slot.confirmedFlush())
                .isEqualTo(server.committed.getLast().next());
        ChangeSegment first = archive.segments("shop").getFirst();
        assertThat(first.sequences()).containsKey("public.orders_id_seq");
        assertThat(first.fingerprint()).isEqualTo("f1");
        assertThat(first.firstCommitAt())
                .isEqualTo(server.committed.getFirst().at().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void aDroppedConnection_midTransaction_losesNothing_andArchivesNothingTwice() throws Exception {
        for (int i = 0; i < 30; i++) {
            server.transaction(2);
        }
        // The connection drops inside a transaction, again and again; the server sends again from its confirmed
        // position, more than the streamer asked for.
        server.dropAfterLines.addAll(List.of(7, 23, 41, 3));
        StreamingChanges.Summary s = streamUntilCaughtUp();

        assertThat(server.drops).isEqualTo(4);
        assertThat(s.interruptions()).isEqualTo(4);
        assertThat(s.gaps()).isZero();
        assertThat(archived()).containsExactlyElementsOf(server.allChanges());
    }

    @Test
    void aStreamerStoppedAndStartedAgain_continuesTheChain() throws Exception {
        for (int i = 0; i < 10; i++) {
            server.transaction(1);
        }
        streamUntilCaughtUp();
        for (int i = 0; i < 10; i++) {
            server.transaction(1);
        }
        StreamingChanges.Summary second = streamUntilCaughtUp();

        assertThat(second.gaps()).isZero();
        assertThat(archived()).containsExactlyElementsOf(server.allChanges());
    }

    /**
     * The deployed streamer's lag metric (issues 40 and 41): none before the archive was current once, then the age of
     * the newest commit it holds while it works through a backlog, zero once nothing is left to read; gaps counted.
     */
    @Test
    void theArchivesLag_isTheAgeOfTheNewestCommitItHolds_untilNothingIsLeftToRead() {
        StreamingChanges streaming = new StreamingChanges(vault, server, clock, SETTINGS);
        dev.lifeboat.core.stream.ArchiveProgress progress = streaming.progress();
        assertThat(progress.lag(clock.instant())).isEmpty();
        // A backlog: thirty transactions a minute apart, committed while no streamer ran.
        for (int i = 0; i < 30; i++) {
            server.transaction(2);
            clock.advance(Duration.ofMinutes(1));
        }

        streaming.run("shop", SOURCE, () -> !archive.segments("shop").isEmpty());

        ChangeSegment first = archive.last("shop").orElseThrow();
        assertThat(first.end()).isLessThan(server.committed.getLast().next());
        assertThat(progress.lag(clock.instant())).contains(Duration.between(first.lastCommitAt(), clock.instant()));
        assertThat(progress.lag(clock.instant()).orElseThrow()).isGreaterThan(Duration.ofMinutes(20));
        assertThat(progress.lag(clock.instant().plus(Duration.ofMinutes(5))).orElseThrow())
                .as("while nothing is archived, the lag grows with the clock")
                .isEqualTo(progress.lag(clock.instant()).orElseThrow().plus(Duration.ofMinutes(5)));

        AtomicInteger polls = new AtomicInteger();
        streaming.run("shop", SOURCE, () -> polls.incrementAndGet() > 500);

        assertThat(archive.last("shop").orElseThrow().end())
                .isEqualTo(server.committed.getLast().next());
        assertThat(progress.lag(clock.instant()).orElseThrow())
                .as("caught up: at most a sample's interval (the idle check) and its margin behind")
                .isLessThanOrEqualTo(SETTINGS.idleConfirm()
                        .plus(StreamingChanges.SAMPLE_MARGIN)
                        .plusSeconds(1));
        assertThat(progress.gaps()).isZero();

        server.slot = null;
        server.transaction(1);
        AtomicInteger more = new AtomicInteger();
        streaming.run("shop", SOURCE, () -> more.incrementAndGet() > 50);
        assertThat(progress.gaps()).isEqualTo(1);
    }

    /**
     * Helper-12's find: nothing coming for a while is not "caught up". While the server decodes a large transaction it
     * sends nothing, and the archive is behind by that transaction: the lag says so, and no segment claims to hold the
     * moments it does not.
     */
    @Test
    void aServerStillDecoding_isNotCaughtUp_theLagGrows_andNoSegmentClaimsTheMomentsItDoesNotHold() {
        server.transaction(2);
        server.transaction(2);
        clock.advance(Duration.ofMinutes(10));
        FakeChangeServer.Txn big = server.transaction(5);
        server.withheld = 1; // committed, still being decoded
        StreamingChanges streaming = new StreamingChanges(vault, server, clock, SETTINGS);

        AtomicInteger polls = new AtomicInteger();
        streaming.run("shop", SOURCE, () -> polls.incrementAndGet() > 300);

        assertThat(archive.last("shop").orElseThrow().end()).isLessThan(big.next());
        assertThat(progress(streaming).orElseThrow())
                .as("behind by the withheld commit at least")
                .isGreaterThanOrEqualTo(Duration.between(big.at(), clock.instant()));
        assertThat(ChangeArchive.readUpTo(archive.segments("shop")))
                .as("the archive does not claim the moment of the commit it has not read")
                .isBefore(big.at());

        server.withheld = 0;
        AtomicInteger more = new AtomicInteger();
        streaming.run("shop", SOURCE, () -> more.incrementAndGet() > 300);
        assertThat(ChangeArchive.readUpTo(archive.segments("shop"))).isAfterOrEqualTo(big.at());
    }

    private java.util.Optional<Duration> progress(StreamingChanges streaming) {
        return streaming.progress().lag(clock.instant());
    }

    /**
     * Helper-12's find: a refused login (a wrong or rotated password) was tried again for ever with the same password.
     * It is refused at once, naming the fix; the deployed streamer then reads its secret anew (StreamTaskIT). A server
     * that cannot be reached is still waited for.
     */
    @Test
    void aRefusedLogin_endsTheRun_namingTheFix_whileAnUnreachableServerIsWaitedFor() {
        server.serverFails = new dev.lifeboat.core.error.DatabaseAccessException(
                "cannot connect to db.internal: password authentication failed", "check the password", null, true);
        assertThatThrownBy(() -> stream(() -> false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("password authentication failed")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("check the password"));

        server.serverFails = new dev.lifeboat.core.error.DatabaseAccessException(
                "cannot connect to db.internal: connection refused", "check the host", null, false);
        AtomicInteger tries = new AtomicInteger();
        StreamingChanges.Summary s = stream(() -> tries.incrementAndGet() > 5);
        assertThat(s.interruptions()).isGreaterThan(1);
    }

    @Test
    void aSlotDroppedBehindLifeboatsBack_isAGap_andTheArchiveGoesOnFromANewSlot() throws Exception {
        server.transaction(1);
        streamUntilCaughtUp();
        long archivedEnd = archive.last("shop").orElseThrow().end();
        server.slot = null;
        server.transaction(1); // committed while no slot kept it: lost
        long lostUpTo = server.position;
        int before = server.committed.size();

        // Once the new slot exists, the database goes on.
        StreamingChanges.Summary s = stream(() -> {
            if (server.slot != null && server.committed.size() == before) {
                server.transaction(1);
            }
            return server.committed.size() > before
                    && archive.last("shop")
                            .map(l -> l.end() >= server.committed.getLast().next())
                            .orElse(false);
        });

        assertThat(s.gaps()).isEqualTo(1);
        ChangeGap gap = archive.gaps("shop").getFirst();
        assertThat(Lsn.parse(gap.lastArchived())).isEqualTo(archivedEnd);
        assertThat(Lsn.parse(gap.resumedAt())).isGreaterThanOrEqualTo(lostUpTo);
        assertThat(gap.reason()).contains("lifeboat_shop").contains("gone");
        assertThat(ChangeArchive.chainFrom(
                        archive.segments("shop"),
                        archive.segments("shop").getFirst().start()))
                .as("no chain crosses the gap")
                .hasSizeLessThan(archive.segments("shop").size());
    }

    /**
     * Helper-11's find: the slot lost twice before the streamer wrote a segment. The second gap starts where the first
     * one resumed; its mark was taken for the first one's (one key per archive end), the streamer resumed where the
     * first gap did, and the transactions committed between the two slots were missing with no gap marking them.
     * Every committed transaction is archived, or inside a marked gap.
     */
    @Test
    void aSlotLostTwiceBeforeASegment_marksBothGaps_andEveryTransactionIsArchivedOrInsideOne() throws Exception {
        server.transaction(1);
        streamUntilCaughtUp();
        server.slot = null;
        server.transaction(1); // lost with the first slot
        stream(() -> server.slot != null); // a new slot, a gap marked, stopped before any segment
        assertThat(archive.gaps("shop")).hasSize(1);
        server.slot = null;
        server.transaction(1); // lost with the second slot
        int before = server.committed.size();
        stream(() -> {
            if (server.slot != null && server.committed.size() == before) {
                server.transaction(1);
            }
            return server.committed.size() > before
                    && archive.last("shop")
                            .map(l -> l.end() >= server.committed.getLast().next())
                            .orElse(false);
        });

        assertThat(archive.gaps("shop")).hasSize(2);
        assertEveryTransactionArchivedOrInAGap();
    }

    /** The slot moved on by another reader after a gap was marked and before a segment followed it: a gap too. */
    @Test
    void aSlotMovedOnAfterAGap_beforeASegment_isAGapToo() throws Exception {
        server.transaction(1);
        streamUntilCaughtUp();
        server.slot = null;
        server.transaction(1);
        stream(() -> server.slot != null);
        server.transaction(1); // read by someone else, who confirms it
        server.slot = new ChangeFeed.Slot("lifeboat_shop", "wal2json", "shop", server.position, false, false);
        int before = server.committed.size();
        stream(() -> {
            if (server.committed.size() == before) {
                server.transaction(1);
            }
            return archive.last("shop")
                    .map(l -> l.end() >= server.committed.getLast().next())
                    .orElse(false);
        });

        assertThat(archive.gaps("shop")).hasSize(2);
        assertThat(archive.gaps("shop").getLast().reason()).contains("moved on");
        assertEveryTransactionArchivedOrInAGap();
    }

    private void assertEveryTransactionArchivedOrInAGap() throws Exception {
        Set<Long> archivedXids = new HashSet<>();
        Path folder = Files.createTempDirectory(work, "fetch");
        for (Path f : archive.fetchChecked(archive.segments("shop"), folder)) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                WalLine w = WalLine.parse(l.getBytes(StandardCharsets.UTF_8));
                if (w.begins()) {
                    archivedXids.add(w.xid());
                }
            }
        }
        for (FakeChangeServer.Txn t : server.committed) {
            boolean inAGap = archive.gaps("shop").stream()
                    .anyMatch(g -> Lsn.parse(g.lastArchived()) <= t.lsn() && t.lsn() < Lsn.parse(g.resumedAt()));
            assertThat(archivedXids.contains(t.xid()) || inAGap)
                    .as("transaction %d at %s: archived, or inside a marked gap", t.xid(), Lsn.format(t.lsn()))
                    .isTrue();
        }
        assertThat(archivedXids)
                .contains(
                        server.committed.getFirst().xid(),
                        server.committed.getLast().xid());
    }

    /** A standby before PostgreSQL 16 decodes nothing: refused before a slot is made, not retried for ever. */
    @Test
    void aStandbyThatCannotDecode_isRefused_namingThePrimary() {
        server.slot = null;
        server.inRecovery = true;
        server.versionNum = 150005;

        assertThatThrownBy(() -> stream(() -> false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is a standby (in recovery)")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("point --source at the primary"));
        assertThat(server.slot).isNull();
    }

    @Test
    void aSlotMovedOnByAnotherReader_isAGap() {
        server.transaction(1);
        streamUntilCaughtUp();
        server.transaction(1);
        // Someone read the slot with pg_logical_slot_get_changes: the transaction is gone from it.
        server.slot = new ChangeFeed.Slot("lifeboat_shop", "wal2json", "shop", server.position, false, false);
        server.transaction(1);

        StreamingChanges.Summary s = streamUntilCaughtUp();

        assertThat(s.gaps()).isEqualTo(1);
        assertThat(archive.gaps("shop").getFirst().reason()).contains("moved on");
    }

    @Test
    void aSlotAnotherReaderHolds_stopsThisStreamer() {
        server.slot = new ChangeFeed.Slot("lifeboat_shop", "wal2json", "shop", server.position, true, false);

        assertThatThrownBy(this::streamUntilCaughtUp)
                .isInstanceOf(StreamingChanges.Contended.class)
                .hasMessageContaining("another reader holds the replication slot lifeboat_shop");
        assertThat(vault.objects).isEmpty();
    }

    @Test
    void aSlotOfThatNameThatIsNotLifeboats_isRefused_andLeftAlone() {
        server.slot = new ChangeFeed.Slot("lifeboat_shop", "pgoutput", "shop", server.position, false, false);

        assertThatThrownBy(this::streamUntilCaughtUp)
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is not Lifeboat's");
        assertThat(server.slot.plugin()).isEqualTo("pgoutput");
    }

    @Test
    void aServerWithoutLogicalDecoding_orWithUnboundedSlotWal_isRefused_beforeASlotIsMade() {
        server.slot = null;
        server.walLevel = "replica";
        assertThatThrownBy(this::streamUntilCaughtUp)
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("wal_level is replica");
        server.walLevel = "logical";
        server.keepMb = -1;
        assertThatThrownBy(this::streamUntilCaughtUp)
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("max_slot_wal_keep_size is unlimited")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("max_slot_wal_keep_size"));
        assertThat(server.slot).isNull();
    }

    @Test
    void aSlotTheServerGaveUp_isReplaced_withAGap() {
        server.transaction(1);
        streamUntilCaughtUp();
        server.slot = new ChangeFeed.Slot("lifeboat_shop", "wal2json", "shop", 0, false, true);
        server.transaction(1);

        StreamingChanges.Summary s = streamUntilCaughtUp();

        assertThat(s.gaps()).isEqualTo(1);
        assertThat(server.slot.lost()).isFalse();
    }

    @Test
    void anIdleDatabase_isConfirmedThroughAnEmptySegment_soItsWalIsNotPinned() {
        server.transaction(1);
        streamUntilCaughtUp();
        server.position += 0x10_0000; // the server wrote WAL of other databases, heartbeats
        long idleEnd = server.position;
        AtomicInteger polls = new AtomicInteger();

        stream(() -> polls.incrementAndGet() > 200);

        ChangeSegment last = archive.last("shop").orElseThrow();
        assertThat(last.empty()).isTrue();
        assertThat(last.end()).isEqualTo(idleEnd);
        assertThat(last.objectKey()).isNull();
        assertThat(server.slot.confirmedFlush()).isEqualTo(idleEnd);
    }

    @Test
    void twoStreamersWritingOneSegment_theSecondStops() {
        server.transaction(1);
        // Another streamer wrote the segment that starts where this one would: its key is taken.
        server.slot = new ChangeFeed.Slot(
                "lifeboat_shop", "wal2json", "shop", server.committed.getFirst().lsn() - 1, false, false);
        long start = server.slot.confirmedFlush();
        vault.putIfAbsent(
                ChangeArchive.segmentKey("shop", start),
                dev.lifeboat.core.binlog.BinlogCodec.write(new ChangeSegment(
                        1,
                        "shop",
                        server.systemId,
                        "lifeboat_shop",
                        Lsn.format(start),
                        Lsn.format(start),
                        null,
                        null,
                        0,
                        0,
                        0,
                        null,
                        null,
                        null,
                        clock.instant(),
                        "test",
                        null,
                        null,
                        null,
                        null)));

        assertThatThrownBy(this::streamUntilCaughtUp)
                .isInstanceOf(StreamingChanges.Contended.class)
                .hasMessageContaining("wrote the segment at " + Lsn.format(start) + " first");
        assertThat(server.confirms).isEmpty();
    }
}
